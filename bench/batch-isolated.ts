/**
 * The two sides of the batch benchmark (batch-bench.ts), each run in a child process of its
 * own by bench/batch-child.ts: the batch job as the worker's child runs it, and the bare loop.
 */
import { loadBatchScorer, SCORE_ROWS } from '../src/batch/batch-scorer.ts';
import { runBatchPrediction } from '../src/batch/run-batch.ts';
import { loadConfig } from '../src/config/env.ts';
import { createDatabase } from '../src/db/client.ts';
import { CsvReader } from '../src/datasets/csv-reader.ts';
import { DECIMAL_LITERAL, INTEGER_LITERAL, numericKindBytes } from '../src/datasets/value-literals.ts';
import { writeEncoded } from '../src/preprocessing/feature-encoding.ts';
import { pino } from 'pino';
import { selectBackend } from '../src/ml/backend.ts';
import { createArtifactStore } from '../src/storage/create-artifact-store.ts';
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runningFromSource } from '../src/project-paths.ts';

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

/** CPU time (user and system, every thread) since `from`: what a side cost, whatever else the machine ran. */
const cpuSecondsSince = (from: NodeJS.CpuUsage) => {
  const { user, system } = process.cpuUsage(from);
  return (user + system) / 1e6;
};

/** Samples process.memoryUsage() every 50 ms: the peak of each figure, in MB, where the RSS goes. */
function memoryPeaks(): () => Record<string, number> {
  const peaks: Record<string, number> = {};
  const sample = () => {
    for (const [name, bytes] of Object.entries(process.memoryUsage()))
      peaks[name] = Math.max(peaks[name] ?? 0, Math.round(bytes / 2 ** 20));
  };
  const timer = setInterval(sample, 50);
  return () => {
    clearInterval(timer);
    sample();
    return peaks;
  };
}

/** Runs a submitted batch prediction to its end in this process. */
export async function batchJobRun(id: string) {
  // The child's setup, once per child as batch-processor.ts's context: not part of a job's time.
  const setupStarted = performance.now();
  const config = loadConfig(process.env);
  await selectBackend(config.TF_BACKEND);
  const db = createDatabase(config.DATABASE_URL, 2);
  await db.$connect();
  const setupSeconds = (performance.now() - setupStarted) / 1000;
  const store = createArtifactStore(config, db);
  const peaks = memoryPeaks();
  const cpu = process.cpuUsage();
  const started = performance.now();
  // When the run logs that it starts scoring: the version is loaded and its passes timed by then.
  let scoringFrom = NaN;
  const logger = pino(
    { level: 'info' },
    {
      write: (line: string) => {
        if (Number.isNaN(scoringFrom) && line.includes('starting batch prediction')) scoringFrom = performance.now();
      },
    },
  );
  const outcome = await runBatchPrediction(
    {
      db,
      store,
      logger,
      imageLimits: { maxPixelsPerImage: config.MAX_IMAGE_PIXELS, maxPixelsPerRequest: config.MAX_REQUEST_IMAGE_PIXELS },
      // As batch-processor.ts sets it; built, the thread's script lies beside this bundle (batch-bench.ts).
      outputThread: !config.BATCH_OUTPUT_THREAD
        ? false
        : runningFromSource
          ? undefined
          : fileURLToPath(new URL('./batch-output-thread.js', import.meta.url)),
    },
    id,
    { maxAttempts: 1 },
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuSecondsSince(cpu);
  const row = await db.batchPrediction.findUniqueOrThrow({ where: { id } });
  await db.$disconnect();
  if (outcome !== 'succeeded') throw new Error(`the batch job ended ${outcome}`);
  return {
    seconds,
    /** From the record's first read to the first part read (the version loaded and its passes timed). */
    loadSeconds: (scoringFrom - started) / 1000,
    /** The child's setup before its first job (backend, database client connected). */
    setupSeconds,
    cpuSeconds,
    peakRssMb: peakRssMb(),
    rowsDone: row.rowsDone,
    memoryPeakMb: peaks(),
  };
}

/**
 * The bare loop: what a script scoring the plain CSV file by hand would do, and nothing more.
 * It parses the file with the same CSV reader, reads each feature's number from the bytes as the
 * job does (numericKindBytes, Number() for the rest), standardises it with the version's fitted
 * encoders (writeEncoded, the job's preprocessing) into a Float32Array, and runs the same model's
 * forward pass on every 1024 rows (the job's pass size), reading the outputs back and dropping
 * them: no typing checks, no row-level errors, no output, no store, no database.
 */
export async function batchBareLoop(file: string, versionId: string) {
  const config = loadConfig(process.env);
  await selectBackend(config.TF_BACKEND);
  const db = createDatabase(config.DATABASE_URL, 2);
  const store = createArtifactStore(config, db);
  const version = await db.modelVersion.findUniqueOrThrow({ where: { id: versionId } });
  const scorer = await loadBatchScorer(store, version, { maxPixelsPerImage: 1, maxPixelsPerRequest: 1 });
  await db.$disconnect();
  const peaks = memoryPeaks();
  const state = scorer.tabular!;
  const { width, features } = state;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const matrix = new Float32Array(SCORE_ROWS * width);
  let columns = new Int32Array(0);
  let numbers = new Float64Array(0);
  const parsed = { value: 0 };
  let header = true;
  let pending = 0;
  let scored = 0;
  const score = () => {
    scorer.forward(matrix.subarray(0, pending * width), pending);
    scored += pending;
    matrix.fill(0);
    pending = 0;
  };
  const reader = new CsvReader(
    (fields) => {
      if (header) {
        header = false;
        columns = Int32Array.from(features, (encoder) => fields.indexOf(encoder.name));
        numbers = new Float64Array(fields.length).fill(NaN);
        return;
      }
      let offset = pending * width;
      for (let f = 0; f < features.length; f++) {
        const column = columns[f]!;
        let value: number | string | null = numbers[column]!;
        if (Number.isNaN(value)) value = fields[column] === '' ? null : Number(fields[column]);
        numbers[column] = NaN;
        offset = writeEncoded(features[f]!, value, matrix, offset);
      }
      if (++pending === SCORE_ROWS) score();
    },
    {
      rawField: (column, bytes, start, end) => {
        if (header) return false;
        const kind = numericKindBytes(bytes, start, end, parsed);
        if (kind !== INTEGER_LITERAL && kind !== DECIMAL_LITERAL) return false;
        numbers[column] = parsed.value;
        return true;
      },
    },
  );
  for await (const chunk of createReadStream(file)) reader.write(chunk as Buffer);
  reader.end();
  if (pending) score();
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuSecondsSince(cpu);
  scorer.dispose();
  return { seconds, cpuSeconds, peakRssMb: peakRssMb(), rows: scored, memoryPeakMb: peaks() };
}
