/**
 * Builds @maas/client: regenerates the API types from the repository's openapi.yaml
 * (openapi-typescript, default settings) into src/openapi.ts, bundles the library (browser and
 * Node alike: fetch only) and the `maas` command with esbuild into dist/, and writes the
 * declarations with tsc. The hand-written layer is type-checked against the fresh types, so a
 * change of the API that breaks it breaks this build.
 *
 * `--check` only compares: it fails when src/openapi.ts is not what openapi.yaml generates;
 * `--types` only regenerates it (`npm run openapi` does, after writing openapi.yaml).
 */
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import openapiTS, { astToString } from 'openapi-typescript';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const repositoryRoot = path.resolve(packageDir, '../..');
const typesPath = path.join(packageDir, 'src/openapi.ts');

const HEADER =
  '/**\n * Generated from openapi.yaml by openapi-typescript (packages/client/scripts/build.mjs).\n' +
  ' * Do not edit: `npm run build` regenerates it.\n */\n\n';

/** The types openapi.yaml generates, as src/openapi.ts holds them. */
export async function generateTypes() {
  const yaml = await readFile(path.join(repositoryRoot, 'openapi.yaml'), 'utf8');
  return HEADER + astToString(await openapiTS(yaml));
}

/** Regenerates the types (when they changed), bundles, and writes the declarations. */
/** Writes src/openapi.ts when openapi.yaml generates something else; true when it did. */
export async function writeTypes() {
  const types = await generateTypes();
  if ((await readFile(typesPath, 'utf8').catch(() => '')) === types) return false;
  await writeFile(typesPath, types);
  return true;
}

export async function buildClient({ outdir = path.join(packageDir, 'dist') } = {}) {
  await writeTypes();
  await rm(outdir, { recursive: true, force: true });
  const common = { absWorkingDir: packageDir, bundle: true, format: 'esm', sourcemap: true, logLevel: 'warning' };
  await build({ ...common, entryPoints: { index: 'src/index.ts' }, outdir, platform: 'neutral', target: 'es2022' });
  await build({ ...common, entryPoints: { cli: 'src/cli/main.ts' }, outdir, platform: 'node', target: 'node20' });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await promisify(execFile)(process.execPath, [tsc, '-p', path.join(packageDir, 'tsconfig.json'), '--outDir', outdir], {
    cwd: packageDir,
  }).catch((error) => {
    throw new Error(`tsc failed on packages/client:\n${error.stdout}${error.stderr}`);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    if ((await readFile(typesPath, 'utf8').catch(() => '')) !== (await generateTypes())) {
      process.stderr.write('packages/client/src/openapi.ts is stale: run `npm run build`\n');
      process.exit(1);
    }
  } else if (process.argv.includes('--types')) {
    if (await writeTypes()) process.stderr.write(`wrote ${typesPath}\n`);
  } else {
    const started = performance.now();
    await buildClient();
    process.stderr.write(`built packages/client/dist in ${Math.round(performance.now() - started)} ms\n`);
  }
}
