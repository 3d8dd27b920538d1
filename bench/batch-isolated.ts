/**
 * The two sides of the batch benchmark (batch-bench.ts), each run in a child process of its
 * own by bench/isolated.ts: the batch job as the worker's child runs it, and the bare loop.
 */
import { loadBatchScorer } from '../src/batch/batch-scorer.ts';
import { runBatchPrediction } from '../src/batch/run-batch.ts';
import { loadConfig } from '../src/config/env.ts';
import { createDatabase } from '../src/db/client.ts';
import { CsvReader } from '../src/datasets/csv-reader.ts';
import { createLogger } from '../src/logger.ts';
import { selectBackend } from '../src/ml/backend.ts';
import { createArtifactStore } from '../src/storage/create-artifact-store.ts';
import { createReadStream } from 'node:fs';

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

/** Runs a submitted batch prediction to its end in this process. */
export async function batchJobRun(id: string) {
  const config = loadConfig(process.env);
  await selectBackend(config.TF_BACKEND);
  const db = createDatabase(config.DATABASE_URL, 2);
  const store = createArtifactStore(config, db);
  const started = performance.now();
  const outcome = await runBatchPrediction(
    {
      db,
      store,
      logger: createLogger('silent'),
      imageLimits: { maxPixelsPerImage: config.MAX_IMAGE_PIXELS, maxPixelsPerRequest: config.MAX_REQUEST_IMAGE_PIXELS },
    },
    id,
    { maxAttempts: 1 },
  );
  const seconds = (performance.now() - started) / 1000;
  const row = await db.batchPrediction.findUniqueOrThrow({ where: { id } });
  await db.$disconnect();
  if (outcome !== 'succeeded') throw new Error(`the batch job ended ${outcome}`);
  return { seconds, peakRssMb: peakRssMb(), rowsDone: row.rowsDone };
}

/**
 * The bare loop: the plain CSV parsed, each row's numbers typed, encoded and scored by the same
 * model in batches of 1024 (the job's forward-pass size), the predictions dropped.
 */
export async function batchBareLoop(file: string, versionId: string) {
  const config = loadConfig(process.env);
  await selectBackend(config.TF_BACKEND);
  const db = createDatabase(config.DATABASE_URL, 2);
  const store = createArtifactStore(config, db);
  const version = await db.modelVersion.findUniqueOrThrow({ where: { id: versionId } });
  const scorer = await loadBatchScorer(store, version, { maxPixelsPerImage: 1, maxPixelsPerRequest: 1 });
  await db.$disconnect();
  const started = performance.now();
  let header: string[] | undefined;
  let pending: { row: number; values: Record<string, unknown> }[] = [];
  let scored = 0;
  const reader = new CsvReader((fields, line) => {
    if (!header) {
      header = [...fields];
      return;
    }
    const values: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i++) values[header[i]!] = fields[i];
    pending.push({ row: line, values });
    if (pending.length === 1024) {
      scored += scorer.score(pending).length;
      pending = [];
    }
  });
  for await (const chunk of createReadStream(file)) reader.write(chunk as Buffer);
  reader.end();
  if (pending.length) scored += scorer.score(pending).length;
  const seconds = (performance.now() - started) / 1000;
  scorer.dispose();
  return { seconds, peakRssMb: peakRssMb(), rows: scored };
}
