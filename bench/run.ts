/**
 * `npm run bench`: measures serving, training and ingest side by side with their baselines on
 * this machine and writes BENCHMARKS.md. Needs PostgreSQL and Redis, as the tests do; creates
 * a database, Redis prefix and artifact directory of its own and removes them at the end.
 */
import { benchParquetIngest } from './parquet-ingest.ts';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { describeBackend, ensureBackend } from '../src/ml/backend.ts';
import { createBenchEnv } from './bench-env.ts';
import { runChild } from './child-process.ts';
import { benchAliasVsVersion } from './alias-vs-version.ts';
import { benchBatch } from './batch-bench.ts';
import type { ObjectStoreBenchResult } from './object-store-bench.ts';
import { aliasRow, objectStoreRows } from './scale-out-report.ts';
import { benchForwardChoice } from './forward-choice-bench.ts';
import { benchExplain } from './explain-bench.ts';
import { benchInferencePlacement } from './inference-placement.ts';
import { benchPredict } from './predict-bench.ts';
import { benchColdStart } from './cold-start.ts';
import { benchPredictionLogging } from './prediction-logging.ts';
import { benchTrainingPeers, trainingPeersRows } from './training-peers.ts';
import { batchRow, renderReport, streamingRows, type BenchResults } from './report.ts';
import { benchTraining } from './training-bench.ts';
import { benchTuning, tuningSection, type TuningFigures } from './tuning-bench.ts';

const REPORT = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

async function isolated(what: string, arg?: string, nodeArgs: string[] = []): Promise<Record<string, unknown>> {
  try {
    return await runChild('./isolated.ts', {}, arg === undefined ? [what] : [what, arg], nodeArgs);
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Megabytes of the generated CSV ingested into each store by the S3 benchmark (4d). */
const objectStoreMb = Number(process.env.BENCH_S3_MB ?? 50);
/** The streamed-training RSS figure (6b): a CSV of BENCH_STREAMING_MB (3x the 256 MB budget by default). */
const STREAMING_BUDGET_MB = 256;
const streamingMb = Number(process.env.BENCH_STREAMING_MB ?? 3 * STREAMING_BUDGET_MB);

/** Rows of the table both paths train on (6a). */
const streamingRowsCount = Number(process.env.BENCH_STREAMING_ROWS ?? 200_000);

/** 6a then 6b, each in a child process of its own; 6b with the heap capped as WORKER_MEMORY_MB caps it. */
async function streamingFigures(): Promise<NonNullable<BenchResults['streaming']>> {
  log(`streamed tabular training: rows/s vs in memory, then peak RSS on a ${streamingMb} MB CSV (child processes)`);
  return {
    rate: await isolated('streaming-rate', String(streamingRowsCount)),
    rss: await isolated('streaming-rss', String(streamingMb), [
      `--max-old-space-size=${Math.floor(STREAMING_BUDGET_MB * 0.4)}`,
      '--max-semi-space-size=4',
    ]),
  } as NonNullable<BenchResults['streaming']>;
}

/** Rows of the batch benchmark (5a): 1,000,000 by default; fewer on a loaded machine. BENCH_BATCH_ROUNDS: job/loop pairs (2). */
const batchRows = Number(process.env.BENCH_BATCH_ROWS ?? 1_000_000);
async function batchFigures(bench: Awaited<ReturnType<typeof createBenchEnv>>) {
  try {
    return await benchBatch(bench, batchRows, Number(process.env.BENCH_BATCH_ROUNDS ?? 2));
  } catch (error) {
    return { error: (error as Error).message };
  }
}

// `npm run bench -- batch`: only the batch benchmark, printed (BENCHMARKS.md is left as it is).
if (process.argv[2] === 'batch') {
  await ensureBackend();
  const only = await createBenchEnv();
  try {
    log(`batch predictions: ${batchRows} rows, the job vs a bare loop (child processes)`);
    const batch = await batchFigures(only);
    process.stdout.write(`${JSON.stringify(batch)}\n${batchRow(batch)}\n`);
  } finally {
    await only.close();
  }
  process.exit(0);
}

// `npm run bench -- alias` / `-- s3`: only that benchmark, printed (BENCHMARKS.md is left as it is).
if (process.argv[2] === 'alias') {
  await ensureBackend();
  const only = await createBenchEnv();
  try {
    log(':predict by alias vs by version, interleaved');
    const figures = await benchAliasVsVersion(only);
    process.stdout.write(`${JSON.stringify(figures)}\n${aliasRow(figures).join('\n')}\n`);
  } finally {
    await only.close();
  }
  process.exit(0);
}

// `npm run bench -- tuning`: only the tuning benchmark, printed with the machine (BENCHMARKS.md is left as it is).
if (process.argv[2] === 'tuning') {
  await ensureBackend();
  const only = await createBenchEnv();
  try {
    const cpus = os.cpus();
    log(
      `tuning: ${cpus.length} x ${cpus[0]?.model}, load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    log('tuning: 16 trials on 2 workers vs one at a time, and ASHA vs random search');
    const figures = await benchTuning(only);
    process.stdout.write(
      `${JSON.stringify({ backend: describeBackend(), cpus: cpus.length, cpu: cpus[0]?.model, loadAverage: os.loadavg(), ...figures })}\n` +
        `${tuningSection(figures)}\n`,
    );
  } finally {
    await only.close();
  }
  process.exit(0);
}
if (process.argv[2] === 's3') {
  log(`CSV ingest (${objectStoreMb} MB) and model load, S3 store vs local (child process)`);
  const figures = (await isolated('s3', String(objectStoreMb))) as ObjectStoreBenchResult | { error: string };
  process.stdout.write(`${JSON.stringify(figures)}\n${objectStoreRows(figures).join('\n')}\n`);
  process.exit(0);
}
// `npm run bench -- peers`: only training against PyTorch and scikit-learn (7a-7d), printed.
if (process.argv[2] === 'peers') {
  log('training against PyTorch and scikit-learn: MLP, CNN, text transformer and LSTM, interleaved');
  const only = await createBenchEnv();
  const peers = await benchTrainingPeers({ bench: only }).finally(() => only.close());
  process.stdout.write(
    `${JSON.stringify({ loadAverage: os.loadavg(), ...peers })}\n${trainingPeersRows(peers).join('\n')}\n`,
  );
  process.exit(0);
}
// `npm run bench -- streaming`: only the streamed-training figures (6a, 6b), printed.
if (process.argv[2] === 'streaming') {
  const streaming = await streamingFigures();
  process.stdout.write(`${JSON.stringify(streaming)}\n${streamingRows(streaming).join('\n')}\n`);
  process.exit(0);
}

const startedAt = new Date();
const loadAverage = os.loadavg();
await ensureBackend();
const bench = await createBenchEnv();
let results: BenchResults;
try {
  log('predictions: training the served model, then :predict under load against the ceiling');
  const predict = await benchPredict(bench);
  log(':predict by alias vs by version, interleaved');
  const aliasVsVersion = await benchAliasVsVersion(bench, { train: false }).catch((error: Error) => ({
    error: error.message,
  }));
  log('cold start: npm start to ready and the first predictions, vs uvicorn');
  const coldStart = await benchColdStart(bench).catch((error: Error) => ({ error: error.message }));
  log('inference placement: event loop vs worker thread');
  const placement = await benchInferencePlacement(predict.model, predict.preprocessing);
  log('forward pass choice: plain JavaScript vs TensorFlow.js by batch size');
  const forwardChoice = benchForwardChoice(predict.model, predict.preprocessing.width);
  predict.model.dispose();
  log(':explain next to :predict of the same input (tabular row, 28x28 image)');
  const explain = await benchExplain(bench).catch((error: Error) => ({ error: error.message }));
  log('prediction logging: :predict with every request logged vs logging off');
  const predictionLogging = await benchPredictionLogging(bench).catch((error: Error) => ({ error: error.message }));
  log('training: end to end vs bare model.fit, then queue latency');
  const training = await benchTraining(bench);
  log('tuning: 16 trials on 2 workers vs one at a time, and ASHA vs random search');
  const tuning: TuningFigures | { error: string } = await benchTuning(bench).catch((error: unknown) => ({
    error: (error as Error).message,
  }));
  log('CSV ingest of 200 MB (child process)');
  const ingest = await isolated('ingest', '200');
  log('Parquet vs CSV ingest of the same table, 100 MB of CSV, 3 interleaved rounds (child processes)');
  const parquetIngest = await benchParquetIngest({ csvMb: 100, rounds: 3 }).catch((error: Error) => ({
    error: error.message,
  }));
  log('encryption at rest: CSV ingest and model load, encrypted vs not (child process)');
  const encryption = await isolated('encryption', '100');
  log(`CSV ingest (${objectStoreMb} MB) and model load, S3 store vs local (child process)`);
  const objectStores = await isolated('s3', String(objectStoreMb));
  log('deep training (child process)');
  const deep = await isolated('deep');
  log(`batch predictions: ${batchRows} rows, the job vs a bare loop (child processes)`);
  const batch = await batchFigures(bench);
  log(`streamed tabular training: rows/s vs in memory, then peak RSS on a ${streamingMb} MB CSV (child processes)`);
  const streaming = await streamingFigures();
  log('training against PyTorch and scikit-learn: MLP, CNN, text transformer and LSTM, interleaved');
  const trainingPeers = await benchTrainingPeers({ bench }).catch((error: Error) => ({ error: error.message }));
  const { model: _model, preprocessing: _preprocessing, ...predictFigures } = predict;
  results = {
    startedAt,
    durationS: (Date.now() - startedAt.getTime()) / 1000,
    backend: describeBackend(),
    loadAverage,
    predict: predictFigures,
    coldStart,
    placement,
    forwardChoice,
    training,
    ingest: ingest as BenchResults['ingest'],
    parquetIngest,
    deep,
    predictionLogging,
    encryption: encryption as BenchResults['encryption'],
    explain,
    tuning,
    batch,
    aliasVsVersion,
    objectStores: objectStores as BenchResults['objectStores'],
    streaming,
    trainingPeers,
  };
} finally {
  await bench.close();
}
// The sections recorded by single benchmarks run alone (`## ..., run alone: ...`) are not
// regenerated here: they are kept, after the report, until their own command is run again.
const alone = (await readFile(REPORT, 'utf8').catch(() => ''))
  .split(/^(?=## )/m)
  .filter((section) => /^## .*run alone/.test(section));
await writeFile(REPORT, [renderReport(results).trimEnd(), ...alone.map((s) => s.trimEnd())].join('\n\n') + '\n');
log(`wrote ${REPORT}`);
process.exit(0);
