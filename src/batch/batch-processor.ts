/**
 * The sandboxed BullMQ processor of batch predictions: like training (src/training/jobs/
 * processor.ts), scoring runs in a child process forked by the worker, so CPU-bound parts never
 * block the parent's event loop (the API's, under `npm start`) nor its lock renewal.
 */
import { DelayedError, UnrecoverableError, WaitingError, type SandboxedJob } from 'bullmq';
import { databaseIdentity } from '../config/database-identity.ts';
import { loadConfig } from '../config/env.ts';
import { createDatabase } from '../db/client.ts';
import { createLogger } from '../logger.ts';
import { selectBackend } from '../ml/backend.ts';
import { jobCatalog, type JobPayload } from '../queue/job-catalog.ts';
import { createArtifactStore } from '../storage/create-artifact-store.ts';
import { PermanentBatchError, runBatchPrediction, type BatchContext } from './run-batch.ts';

// Orphaned by a dead worker, the child stops: the job comes back to another worker and resumes.
process.once('disconnect', () => process.exit(1));

let context: Promise<BatchContext & { database: string }> | undefined;

/**
 * What every job of this child shares, set up by its first: the TensorFlow.js backend and the
 * database client, connected here (Prisma's query compiler loaded, about 150 ms) so that a job
 * pays only its own queries. BullMQ keeps the child for later jobs. A setup that fails is tried
 * again by the next job.
 */
function getContext(): Promise<BatchContext & { database: string }> {
  context ??= (async () => {
    const config = loadConfig(process.env);
    const logger = createLogger(config.LOG_LEVEL, 'batch');
    await selectBackend(config.TF_BACKEND);
    const db = createDatabase(config.DATABASE_URL, 2);
    await db.$connect();
    return {
      database: databaseIdentity(config.DATABASE_URL),
      db,
      store: createArtifactStore(config, db),
      logger,
      imageLimits: {
        maxPixelsPerImage: config.MAX_IMAGE_PIXELS,
        maxPixelsPerRequest: config.MAX_REQUEST_IMAGE_PIXELS,
      },
      ...(!config.BATCH_OUTPUT_THREAD && { outputThread: false as const }),
    };
  })().catch((error: unknown) => {
    context = undefined;
    throw error;
  });
  return context;
}

export default async function processBatchPrediction(
  job: SandboxedJob<JobPayload<'batchPredict'>>,
  token?: string,
  signal?: AbortSignal,
) {
  const { batchPredictionId, database } = jobCatalog.batchPredict.payload.parse(job.data);
  const ctx = await getContext();
  if (database !== undefined && database !== ctx.database) {
    await job.moveToDelayed(Date.now() + 1_000, token);
    throw new DelayedError();
  }
  try {
    const outcome = await runBatchPrediction(ctx, batchPredictionId, {
      maxAttempts: job.opts.attempts ?? 1,
      queueAttempt: job.attemptsMade + 1,
      shouldPreempt: () => signal?.aborted ?? false,
    });
    if (outcome === 'preempted') {
      await job.moveToWait(token);
      throw new WaitingError();
    }
    return outcome;
  } catch (error) {
    if (error instanceof PermanentBatchError) throw new UnrecoverableError(error.message);
    throw error;
  }
}
