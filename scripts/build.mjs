/**
 * `npm run build`: compiles the service's entry points to plain JavaScript in dist/ with
 * esbuild, which `npm start`, `serve`, `worker`, `migrate` and `demo` then run.
 *
 * Why a build: tsx compiles with esbuild's keepNames, which wraps every function created at
 * run time in a defineProperty call; on the prediction path that cost about a fifth of the
 * API's throughput (BENCHMARKS.md). Packages stay in node_modules; only our code is bundled.
 *
 * Every command calls this first, so it must be cheap and safe to run concurrently (several
 * `npm run worker` on one machine): it rebuilds only when the sources changed (a fingerprint
 * of their contents), builds into a staging directory, and swaps it in with renames, so a
 * running process never sees a half-written dist/.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = fileURLToPath(new URL('..', import.meta.url));
const requireHere = createRequire(import.meta.url);
const FINGERPRINT = '.fingerprint';

/** Every command's entry, the processors the worker forks (src/training/jobs/worker.ts, src/batch/batch-worker.ts) and the batch output thread. */
export const entryPoints = {
  start: 'src/cli/start.ts',
  serve: 'src/cli/serve.ts',
  worker: 'src/cli/worker.ts',
  migrate: 'src/cli/migrate.ts',
  demo: 'src/cli/demo.ts',
  'rotate-master-key': 'src/cli/rotate-master-key.ts',
  'training-processor': 'src/training/jobs/processor.ts',
  'batch-processor': 'src/batch/batch-processor.ts',
  // A batch job's output thread (src/batch/output-thread.ts starts it from dist/).
  'batch-output-thread': 'src/batch/output-thread-worker.ts',
};

/**
 * Hash of everything the build reads: our sources (generated client included), the lockfile and
 * this script. Read synchronously: every `npm start` runs this check before the service, and
 * some 900 awaited stats and reads took about 0.4 s of the start to ready here (BENCHMARKS.md,
 * 1e); the same reads in one synchronous pass take a few tens of ms.
 */
function sourceFingerprint() {
  const hash = createHash('sha256');
  for (const dir of ['src', 'console']) {
    const files = readdirSync(path.join(root, dir), { recursive: true }).sort();
    for (const file of files) {
      const full = path.join(root, dir, file);
      if (!statSync(full).isFile()) continue;
      hash.update(`${dir}/${file}\0`).update(readFileSync(full));
    }
  }
  for (const file of ['package-lock.json', 'scripts/build.mjs'])
    hash.update(`${file}\0`).update(readFileSync(path.join(root, file)));
  return hash.digest('hex');
}

const ignore =
  (...codes) =>
  (error) => {
    if (!codes.includes(error.code)) throw error;
  };

/** The package a bare specifier names (`@scope/name/sub` -> `@scope/name`). */
const packageOf = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** Whether a package has only a CommonJS entry: Node loads it as CommonJS from ESM and from require alike. */
function commonJsOnly(specifier) {
  try {
    const manifest = JSON.parse(readFileSync(requireHere.resolve(`${packageOf(specifier)}/package.json`), 'utf8'));
    return manifest.type !== 'module' && !JSON.stringify(manifest.exports ?? {}).includes('"import"');
  } catch {
    // No readable manifest (not installed, or exports hide it): imported as it is written.
    return false;
  }
}

/**
 * Our imports of CommonJS-only packages become require() calls. Imported from ESM, Node parses
 * every such package with cjs-module-lexer to find its named exports, following each re-export
 * into further files: TensorFlow.js alone is megabytes of it, and the lexing was about 330 of the
 * API's 2,000 ms to ready in a profile (BENCHMARKS.md, 1e). require() loads the same module
 * instance without it. Each becomes a small module: `module.exports` as the default, its keys as
 * the named exports (read here, by requiring the package once), which is what Node's own
 * interop gives. Packages with an ESM entry keep theirs (two copies of one package must never
 * meet), and a package that cannot be required here is imported as written.
 */
const requireCommonJs = {
  name: 'require-commonjs-packages',
  setup(b) {
    const specifiers = new Map();
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || args.kind === 'require-call') return undefined;
      let names = specifiers.get(args.path);
      if (names === undefined) {
        names = null;
        if (commonJsOnly(args.path))
          try {
            names = Object.keys(requireHere(args.path)).filter((name) => name !== 'default');
          } catch {
            names = null;
          }
        specifiers.set(args.path, names);
      }
      return names === null ? undefined : { path: args.path, namespace: 'require-commonjs' };
    });
    b.onLoad({ filter: /.*/, namespace: 'require-commonjs' }, (args) => {
      const names = specifiers.get(args.path);
      const lines = [
        "import { createRequire } from 'node:module';",
        `const m = createRequire(import.meta.url)(${JSON.stringify(args.path)});`,
        'export default m;',
        ...names.map(
          (name, i) => `const n${i} = m[${JSON.stringify(name)}];\nexport { n${i} as ${JSON.stringify(name)} };`,
        ),
      ];
      return { contents: lines.join('\n'), loader: 'js' };
    });
  },
};

/** Builds into `outdir` (default dist/) unless it already holds this exact source; true when it built. */
export async function buildService({ outdir = 'dist', force = false } = {}) {
  const target = path.resolve(root, outdir);
  const fingerprint = sourceFingerprint();
  const built = await readFile(path.join(target, FINGERPRINT), 'utf8').catch(() => '');
  if (!force && built === fingerprint) return false;
  // Loaded only to build: the check alone, which every start runs, does without it.
  const { build } = await import('esbuild');
  // Names of this call's own: builds may race in one process as well as across processes.
  const own = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staging = `${target}.building-${own}`;
  const retired = `${target}.old-${own}`;
  try {
    await build({
      absWorkingDir: root,
      entryPoints,
      outdir: staging,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      plugins: [requireCommonJs],
      sourcemap: 'linked',
      chunkNames: 'chunks/[name]-[hash]',
      logLevel: 'warning',
    });
    await buildConsole(build, path.join(staging, 'ui'));
    await writeFile(path.join(staging, FINGERPRINT), fingerprint);
    await rename(target, retired).catch(ignore('ENOENT'));
    // A concurrent build of the same sources may have landed in between: keep it, drop ours.
    await rename(staging, target).catch(ignore('ENOTEMPTY', 'EEXIST'));
    return true;
  } finally {
    // A failed build leaves the last good one in place and nothing of its own.
    await Promise.all([rm(retired, { recursive: true, force: true }), rm(staging, { recursive: true, force: true })]);
  }
}

/**
 * The web console the API serves at /ui (src/api/routes/console.ts): one browser bundle of
 * console/src, its page and its styles (uPlot's included). No inline script or style, so the
 * page runs under a strict Content-Security-Policy.
 */
async function buildConsole(build, outdir) {
  await build({
    absWorkingDir: root,
    entryPoints: { app: 'console/src/main.ts' },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  await mkdir(outdir, { recursive: true });
  await copyFile(path.join(root, 'console', 'index.html'), path.join(outdir, 'index.html'));
  await copyFile(path.join(root, 'console', 'console.css'), path.join(outdir, 'console.css'));
  await copyFile(path.join(root, 'node_modules', 'uplot', 'dist', 'uPlot.min.css'), path.join(outdir, 'uPlot.min.css'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const force = process.argv.includes('--force');
  if (await buildService({ force }))
    process.stderr.write(`built dist/ in ${Math.round(performance.now() - started)} ms\n`);
}
