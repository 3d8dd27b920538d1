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
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
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

/**
 * Regenerates the types, bundles into a staging directory and swaps it in, so concurrent
 * builds (test files run in parallel) never leave a half-written dist/. `declarations: false`
 * skips tsc (tests that only run the bundle).
 */
export async function buildClient({ outdir = path.join(packageDir, 'dist'), declarations = true } = {}) {
  await writeTypes();
  const own = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staging = `${outdir}.building-${own}`;
  const retired = `${outdir}.old-${own}`;
  try {
    const common = { absWorkingDir: packageDir, bundle: true, format: 'esm', sourcemap: true, logLevel: 'warning' };
    await build({
      ...common,
      entryPoints: { index: 'src/index.ts' },
      outdir: staging,
      platform: 'neutral',
      target: 'es2022',
    });
    await build({
      ...common,
      entryPoints: { cli: 'src/cli/main.ts' },
      outdir: staging,
      platform: 'node',
      target: 'node20',
    });
    if (declarations) {
      const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
      await promisify(execFile)(
        process.execPath,
        [tsc, '-p', path.join(packageDir, 'tsconfig.json'), '--outDir', staging],
        {
          cwd: packageDir,
        },
      ).catch((error) => {
        throw new Error(`tsc failed on packages/client:\n${error.stdout}${error.stderr}`);
      });
    }
    await rename(outdir, retired).catch((error) => {
      if (error.code !== 'ENOENT') throw error;
    });
    // A concurrent build may have landed in between: keep it.
    await rename(staging, outdir).catch((error) => {
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  } finally {
    await Promise.all([rm(retired, { recursive: true, force: true }), rm(staging, { recursive: true, force: true })]);
  }
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
