/**
 * The sandboxed BullMQ processor: runs in a child process forked by the worker, so a long
 * CPU-bound epoch never blocks the parent's event loop that renews the job's lock. The
 * child is a process of its own: it reads its configuration from the environment the worker
 * passes it and builds its own clients with the factories the composition root uses too.
 */
import { DelayedError, UnrecoverableError, WaitingError, type SandboxedJob } from 'bullmq';
import { Redis } from 'ioredis';
import { databaseIdentity } from '../../config/database-identity.ts';
import { loadConfig } from '../../config/env.ts';
import { createDatabase } from '../../db/client.ts';
import { createLogger } from '../../logger.ts';
import { logBackend, selectBackend } from '../../ml/backend.ts';
import { jobCatalog, type JobPayload } from '../../queue/job-catalog.ts';
import { redisJobEventPublisher } from '../../queue/job-events.ts';
import { redisRouteChangeNotifier } from '../../registry/route-changes.ts';
import { createArtifactStore } from '../../storage/create-artifact-store.ts';
import { createTrainingQueue, enqueueTuningStep, type TrainingQueue } from '../../queue/training-queue.ts';
import { advanceTuningJob } from '../../tuning/coordinator.ts';
import { PermanentTrainingError, runTrainingJob, type TrainingContext } from './run.ts';
import { CONCURRENCY_RETRY_MS } from './scheduling.ts';

// A child whose worker died (kill -9) must not train on as an orphan: the job is picked up
// again elsewhere once its lock expires, and two runs would only race for the same version.
process.once('disconnect', () => process.exit(1));

type ChildContext = TrainingContext & { database: string; queue(): TrainingQueue };
let context: Promise<ChildContext> | undefined;

/**
 * How long a job of another database waits before any worker may take it again: its owner's
 * workers get their turn meanwhile. An unstamped one is only possibly another's, and may be
 * an orphan nobody will ever take: it comes round less often.
 */
const LEAVE_FOR_OWNER_MS = 1_000;
const LEAVE_UNSTAMPED_MS = 60_000;

/** One set of clients per child process, reused by every job it runs. */
function getContext(): Promise<ChildContext> {
  context ??= (async () => {
    const config = loadConfig(process.env);
    const logger = createLogger(config.LOG_LEVEL, 'training');
    await selectBackend(config.TF_BACKEND, 'training');
    logBackend(logger);
    const db = createDatabase(config.DATABASE_URL, 2);
    // Epochs and status changes for the API's live event streams: fire and forget, never
    // blocking training (no offline queue; a message said while Redis is away is dropped).
    const publisher = new Redis(config.REDIS_URL, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    publisher.on('error', () => undefined);
    let queue: TrainingQueue | undefined;
    return {
      // Tuning steps enqueue trials, and trials a step when they end: a fail-fast producer, made on first use.
      queue: () =>
        (queue ??= createTrainingQueue(
          new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false }).on(
            'error',
            () => undefined,
          ),
          config.REDIS_PREFIX,
          databaseIdentity(config.DATABASE_URL),
        )),
      database: databaseIdentity(config.DATABASE_URL),
      db,
      store: createArtifactStore(config, db),
      logger,
      quotas: config,
      maxDurationCapMs: config.JOB_MAX_DURATION_MS,
      checkpointEveryEpochs: config.CHECKPOINT_EVERY_EPOCHS,
      checkpointEveryMs: config.CHECKPOINT_EVERY_MS,
      maxImagePixels: config.MAX_IMAGE_PIXELS,
      memoryBudgetMb: config.WORKER_MEMORY_MB,
      streaming: config.TRAINING_STREAMING,
      events: redisJobEventPublisher(publisher, config.REDIS_PREFIX),
      routeChanges: redisRouteChangeNotifier(publisher, config.REDIS_PREFIX, (error) =>
        logger.warn({ err: error }, 'could not announce a new version to the API processes'),
      ),
    };
  })();
  return context;
}

/**
 * Runs one attempt. The worker aborts `signal` when it shuts down: the run then checkpoints
 * at the next batch and the job goes back to waiting without consuming an attempt
 * (BullMQ's WaitingError), for this or another worker to resume. A job whose project is at
 * its concurrent-jobs quota goes back to the queue, delayed, the same way.
 */
export default async function processTraining(
  job: SandboxedJob<JobPayload<'train'> | JobPayload<'tune'>>,
  token?: string,
  signal?: AbortSignal,
) {
  if (job.name === 'tune') return processTuningStep(job, token);
  const { trainingJobId, database } = jobCatalog.train.payload.parse(job.data);
  const ctx = await getContext();
  // Another deployment's job (a Redis and a prefix shared by mistake): completing it here
  // would end it unrun and leave its owner's row queued. It goes back for its owner.
  if (database !== undefined && database !== ctx.database) return leaveForOwner(job, token);
  try {
    return await runAttempt(job, ctx, trainingJobId, database, token, signal);
  } finally {
    // A trial's end (any end) is the coordinator's cue to start the next trials.
    await signalTrialEnd(ctx, trainingJobId).catch((error: unknown) =>
      ctx.logger.warn({ err: error, trainingJobId }, 'could not enqueue a tuning step'),
    );
  }
}

async function runAttempt(
  job: SandboxedJob<JobPayload<'train'> | JobPayload<'tune'>>,
  ctx: ChildContext,
  trainingJobId: string,
  database: string | undefined,
  token?: string,
  signal?: AbortSignal,
) {
  try {
    const outcome = await runTrainingJob(ctx, trainingJobId, {
      maxAttempts: job.opts.attempts ?? 1,
      queueAttempt: job.attemptsMade + 1,
      shouldPreempt: () => signal?.aborted ?? false,
    });
    if (outcome === 'preempted') {
      await job.moveToWait(token);
      throw new WaitingError();
    }
    if (outcome === 'missing') {
      // Stamped with this database: its row was deleted, and the entry has nothing left to do.
      // Unstamped (enqueued by an older version), it may be another database's: left alone.
      if (database === ctx.database) return 'skipped';
      return leaveForOwner(job, token, LEAVE_UNSTAMPED_MS);
    }
    if (outcome === 'deferred') {
      // Its project runs all the jobs its quota allows: the slot goes to other projects' jobs
      // meanwhile, and this one comes back with its priority, without using an attempt.
      await job.moveToDelayed(Date.now() + CONCURRENCY_RETRY_MS, token);
      throw new DelayedError();
    }
    return outcome;
  } catch (error) {
    // Bad data or hyperparameters fail the same way every time: no retry.
    if (error instanceof PermanentTrainingError) throw new UnrecoverableError(error.message);
    throw error;
  }
}

/** Enqueues a coordinator step when the job is a tuning trial that has ended. */
async function signalTrialEnd(ctx: ChildContext, trainingJobId: string): Promise<void> {
  const trial = await ctx.db.tuningTrial.findUnique({
    where: { trainingJobId },
    select: { tuningJobId: true, trainingJob: { select: { status: true, attempts: true } } },
  });
  const status = trial?.trainingJob?.status;
  if (!trial || status === 'queued' || status === 'running') return;
  await enqueueTuningStep(ctx.queue(), trial.tuningJobId, `end_${trainingJobId}`);
}

/** One step of a tuning job's coordinator (src/tuning/coordinator.ts). */
async function processTuningStep(job: SandboxedJob<JobPayload<'train'> | JobPayload<'tune'>>, token?: string) {
  const { tuningJobId, database } = jobCatalog.tune.payload.parse(job.data);
  const ctx = await getContext();
  if (database !== undefined && database !== ctx.database) return leaveForOwner(job, token);
  return (await advanceTuningJob({ ...ctx, queue: ctx.queue() }, tuningJobId)) ?? 'missing';
}

/** Puts the job back, untouched and without spending an attempt, for a worker of its own database. */
async function leaveForOwner(
  job: SandboxedJob<JobPayload<'train'> | JobPayload<'tune'>>,
  token?: string,
  delayMs = LEAVE_FOR_OWNER_MS,
): Promise<never> {
  await job.moveToDelayed(Date.now() + delayMs, token);
  throw new DelayedError();
}
