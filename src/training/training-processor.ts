/**
 * The sandboxed BullMQ processor: runs in a child process forked by the worker, so a long
 * CPU-bound epoch never blocks the parent's event loop that renews the job's lock. The
 * child reads its configuration from the environment the worker passes it.
 */
import { UnrecoverableError, type SandboxedJob } from 'bullmq';
import { loadConfig } from '../config/env.ts';
import { createDatabase } from '../db/client.ts';
import { createLogger } from '../logger.ts';
import { ensureBackend } from '../ml/backend.ts';
import { LocalArtifactStore } from '../storage/local-artifact-store.ts';
import { jobCatalog, type JobPayload } from '../queue/job-catalog.ts';
import { PermanentTrainingError, runTrainingJob, type TrainingContext } from './run-training-job.ts';

let context: Promise<TrainingContext> | undefined;

/** One set of clients per child process, reused by every job it runs. */
function getContext(): Promise<TrainingContext> {
  context ??= (async () => {
    const config = loadConfig(process.env);
    const logger = createLogger(config.LOG_LEVEL, 'training');
    const backend = await ensureBackend();
    logger.info({ backend }, 'training process ready');
    return { db: createDatabase(config.DATABASE_URL, 2), store: new LocalArtifactStore(config.ARTIFACT_DIR), logger, maxDurationCapMs: config.JOB_MAX_DURATION_MS };
  })();
  return context;
}

export default async function processTraining(job: SandboxedJob<JobPayload<'train'>>) {
  const { trainingJobId } = jobCatalog.train.payload.parse(job.data);
  const attempt = job.attemptsMade + 1;
  try {
    return await runTrainingJob(await getContext(), trainingJobId, { attempt, isFinalAttempt: attempt >= (job.opts.attempts ?? 1) });
  } catch (error) {
    // Bad data or hyperparameters fail the same way every time: no retry.
    if (error instanceof PermanentTrainingError) throw new UnrecoverableError(error.message);
    throw error;
  }
}
