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
import { copyFile, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
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

/** Hash of everything the build reads: our sources (generated client included), the lockfile and this script. */
async function sourceFingerprint() {
  const hash = createHash('sha256');
  for (const dir of ['src', 'console']) {
    const files = (await readdir(path.join(root, dir), { recursive: true })).sort();
    for (const file of files) {
      const full = path.join(root, dir, file);
      if (!(await stat(full)).isFile()) continue;
      hash.update(`${dir}/${file}\0`).update(await readFile(full));
    }
  }
  for (const file of ['package-lock.json', 'scripts/build.mjs'])
    hash.update(`${file}\0`).update(await readFile(path.join(root, file)));
  return hash.digest('hex');
}

const ignore =
  (...codes) =>
  (error) => {
    if (!codes.includes(error.code)) throw error;
  };

/** Builds into `outdir` (default dist/) unless it already holds this exact source; true when it built. */
export async function buildService({ outdir = 'dist', force = false } = {}) {
  const target = path.resolve(root, outdir);
  const fingerprint = await sourceFingerprint();
  const built = await readFile(path.join(target, FINGERPRINT), 'utf8').catch(() => '');
  if (!force && built === fingerprint) return false;
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
      sourcemap: 'linked',
      chunkNames: 'chunks/[name]-[hash]',
      logLevel: 'warning',
    });
    await buildConsole(path.join(staging, 'ui'));
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
async function buildConsole(outdir) {
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
