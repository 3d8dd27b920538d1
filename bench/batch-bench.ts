/**
 * Batch predictions against a bare loop (BENCHMARKS.md, 5a): the same generated CSV of
 * `rows` x 13 numeric features, scored by the same model version, (a) by the batch job as the
 * worker's child runs it (runBatchPrediction: dataset read from the store, decrypted and parsed,
 * rows typed and validated, scored in parts, every part written encrypted and recorded in
 * PostgreSQL), and (b) by a bare in-process loop that parses the plain CSV file, encodes and
 * calls the model, and keeps nothing. Each runs in a fresh child process, so its peak RSS is
 * its own; rounds alternate (job, loop, job, loop) so load on the machine hits both alike.
 *
 * Both sides run as production runs (BENCH_BATCH_RUNTIME=node, the default): their entry
 * (batch-child.ts) compiled by esbuild as `npm run build` compiles the service, run by plain
 * node, the job with the node flags the batch worker gives its children
 * (BATCH_CHILD_NODE_ARGS), the loop with none. BENCH_BATCH_RUNTIME=tsx runs both from the
 * TypeScript sources under tsx, as the benchmark ran before.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { BATCH_CHILD_NODE_ARGS } from '../src/batch/batch-worker.ts';
import { SeededRandom } from '../src/ml/seeded-random.ts';
import type { BenchEnv } from './bench-env.ts';
import { runChild, runScript } from './child-process.ts';

export const BATCH_FEATURES = 13;

export interface BatchBenchFigures {
  rows: number;
  /** How the children ran: built and under plain node (as production runs), or under tsx. */
  runtime: string;
  rounds: {
    jobRowsPerSecond: number;
    loopRowsPerSecond: number;
    jobPeakRssMb: number;
    loopPeakRssMb: number;
    /** Of the job's time, from its first query to its first part read (the version loaded). */
    jobLoadSeconds: number;
    /** Before the job, once per child (batch-processor.ts's context): backend selected, database client connected. */
    jobChildSetupSeconds: number;
    /** CPU time (all threads) each side used for the million rows: less swayed by other load than rows/s. */
    jobCpuSeconds: number;
    loopCpuSeconds: number;
    /** Peaks of process.memoryUsage() figures while each side ran, in MB. */
    jobMemoryPeakMb: Record<string, number>;
    loopMemoryPeakMb: Record<string, number>;
  }[];
  ratio: number;
  jobPeakRssMb: number;
  loopPeakRssMb: number;
}

/** Writes `rows` rows of 13 features and a label (a noisy linear rule), seeded. */
async function writeCsv(file: string, rows: number, seed: number): Promise<void> {
  const seeded = new SeededRandom(seed);
  const random = () => seeded.next();
  const out = createWriteStream(file);
  const header = [...Array.from({ length: BATCH_FEATURES }, (_, i) => `f${i + 1}`), 'label'];
  let chunk = `${header.join(',')}\n`;
  for (let r = 0; r < rows; r++) {
    let score = 0;
    const fields: string[] = [];
    for (let f = 0; f < BATCH_FEATURES; f++) {
      const value = (random() - 0.5) * 10;
      score += value * ((f % 3) - 1);
      fields.push(value.toFixed(4));
    }
    fields.push(score + (random() - 0.5) * 4 > 0 ? 'yes' : 'no');
    chunk += `${fields.join(',')}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

async function upload(bench: BenchEnv, file: string, name: string): Promise<string> {
  const response = await bench.app.inject({
    method: 'POST',
    url: `/v1/datasets?name=${name}`,
    headers: { ...bench.auth, 'content-type': 'text/csv' },
    payload: createReadStream(file),
  });
  if (response.statusCode !== 201) throw new Error(`upload failed: ${response.body}`);
  return response.json().id as string;
}

/** BENCH_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, goes to both sides' node. */
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

const runtime = process.env.BENCH_BATCH_RUNTIME ?? 'node';
if (runtime !== 'node' && runtime !== 'tsx')
  throw new Error(`BENCH_BATCH_RUNTIME is 'node' or 'tsx', not '${runtime}'`);

/**
 * batch-child.ts compiled as scripts/build.mjs compiles the service (bundled, packages left in
 * node_modules, no keepNames), into a folder of dist/ that `remove` deletes.
 */
async function builtChild(): Promise<{ file: string; remove(): Promise<void> }> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const outdir = path.join(root, 'dist', `bench-batch-${process.pid}`);
  await build({
    absWorkingDir: root,
    // The job's output thread beside it: batch-isolated.ts starts it from this folder.
    entryPoints: { 'batch-child': 'bench/batch-child.ts', 'batch-output-thread': 'src/batch/output-thread-worker.ts' },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return {
    file: path.join(outdir, 'batch-child.js'),
    remove: () => rm(outdir, { recursive: true, force: true }),
  };
}

export async function benchBatch(bench: BenchEnv, rows: number, rounds = 2): Promise<BatchBenchFigures> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'maas-batch-bench-'));
  const built = runtime === 'node' ? await builtChild() : undefined;
  /** Runs one side: built, under plain node with `flags`, or from source under tsx. */
  const side = (args: string[], flags: string[]) =>
    built === undefined
      ? runChild('./batch-child.ts', bench.env, args, nodeArgs)
      : runScript(built.file, bench.env, args, [...flags, ...nodeArgs]);
  try {
    const trainFile = path.join(dir, 'train.csv');
    const scoreFile = path.join(dir, 'score.csv');
    await writeCsv(trainFile, 5_000, 7);
    await writeCsv(scoreFile, rows, 8);
    const trainId = await upload(bench, trainFile, 'batch-train');
    const submitted = await bench.app.inject({
      method: 'POST',
      url: '/v1/training-jobs',
      headers: bench.auth,
      payload: {
        datasetId: trainId,
        target: 'label',
        modelName: 'batch-bench',
        model: { type: 'mlp', epochs: 5, seed: 1, hiddenLayers: [{ units: 32, activation: 'relu' }] },
      },
    });
    const jobId = submitted.json().id as string;
    for (;;) {
      const job = await bench.deps.db.trainingJob.findUniqueOrThrow({ where: { id: jobId } });
      if (job.status === 'succeeded') break;
      if (job.status === 'failed' || job.status === 'cancelled') throw new Error(`training ${job.status}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const version = await bench.deps.db.modelVersion.findUniqueOrThrow({ where: { trainingJobId: jobId } });
    const scoreId = await upload(bench, scoreFile, 'batch-score');
    const figures: BatchBenchFigures['rounds'] = [];
    for (let round = 0; round < rounds; round++) {
      const batch = await bench.app.inject({
        method: 'POST',
        url: '/v1/batch-predictions',
        headers: bench.auth,
        payload: { model: 'batch-bench', version: 1, datasetId: scoreId },
      });
      if (batch.statusCode !== 202) throw new Error(`batch refused: ${batch.body}`);
      const job = (await side(['batch-job', batch.json().id], BATCH_CHILD_NODE_ARGS)) as {
        seconds: number;
        cpuSeconds: number;
        loadSeconds: number;
        setupSeconds: number;
        peakRssMb: number;
        rowsDone: number;
        memoryPeakMb: Record<string, number>;
      };
      if (job.rowsDone !== rows) throw new Error(`the batch job scored ${job.rowsDone} of ${rows} rows`);
      const loop = (await side(['batch-loop', scoreFile, version.id], [])) as {
        seconds: number;
        cpuSeconds: number;
        peakRssMb: number;
        memoryPeakMb: Record<string, number>;
      };
      figures.push({
        jobRowsPerSecond: rows / job.seconds,
        loopRowsPerSecond: rows / loop.seconds,
        jobPeakRssMb: job.peakRssMb,
        loopPeakRssMb: loop.peakRssMb,
        jobLoadSeconds: job.loadSeconds,
        jobChildSetupSeconds: job.setupSeconds,
        jobCpuSeconds: job.cpuSeconds,
        loopCpuSeconds: loop.cpuSeconds,
        jobMemoryPeakMb: job.memoryPeakMb,
        loopMemoryPeakMb: loop.memoryPeakMb,
      });
    }
    const ratios = figures.map((f) => f.jobRowsPerSecond / f.loopRowsPerSecond).sort((a, b) => a - b);
    return {
      rows,
      runtime,
      rounds: figures,
      ratio: ratios[Math.floor(ratios.length / 2)]!,
      jobPeakRssMb: Math.max(...figures.map((f) => f.jobPeakRssMb)),
      loopPeakRssMb: Math.max(...figures.map((f) => f.loopPeakRssMb)),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
    await built?.remove();
  }
}
