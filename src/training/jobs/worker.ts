import { Worker, type Job } from 'bullmq';
import { startMaintenance } from '../../queue/maintenance.ts';
import type { Redis } from 'ioredis';
import type { Config } from '../../config/env.ts';
import type { Database } from '../../db/client.ts';
import type { JobFailure } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { projectPath, runningFromSource } from '../../project-paths.ts';
import { jobCatalog, type JobPayload } from '../../queue/job-catalog.ts';
import type { TrainingQueue } from '../../queue/training-queue.ts';
import type { ArtifactStore } from '../../storage/artifact-store.ts';
import { sweepAuditEvents } from '../../audit/audit-log.ts';
import { resumeProjectErasures } from '../../erasure/project-erasure.ts';
import { sweepOrphanedArtifacts } from './artifacts.ts';
import { reconcileTrainingJobs } from './reconciler.ts';
import { reconcileTuningJobs } from '../../tuning/coordinator.ts';
import { runDueMonitors } from '../../monitoring/version-monitoring.ts';
import { announceTrainingJobEnd } from '../../webhooks/job-events.ts';

/**
 * The processor each training child runs: from the sources it is loaded through tsx; in the
 * build it is its own compiled entry (scripts/build.mjs). The child inherits NODE_OPTIONS, so
 * `--enable-source-maps` there maps its stack traces too.
 */
const processor = runningFromSource
  ? { file: projectPath('src', 'training', 'jobs', 'processor.ts'), execArgv: ['--import', 'tsx'] }
  : { file: projectPath('dist', 'training-processor.js'), execArgv: [] };

/** The configuration as environment variables, so the child process parses the same settings. */
function configAsEnv(config: Config): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(config)) if (value !== undefined) env[name] = String(value);
  return env;
}

/**
 * A training child's V8 heap caps under WORKER_MEMORY_MB: two fifths of the budget for the old
 * generation and small young-generation semi-spaces, the rest left to TensorFlow's memory, the
 * database engine, buffers and the code itself. A heap without a cap grows lazily far past
 * what it holds live; with one, the collector keeps it near the live data.
 */
function heapLimit(config: Config): string[] {
  if (config.WORKER_MEMORY_MB === undefined) return [];
  return [`--max-old-space-size=${Math.max(64, Math.floor(config.WORKER_MEMORY_MB * 0.4))}`, '--max-semi-space-size=4'];
}

/**
 * What a training worker uses, handed to it by the composition root (src/deps.ts), which also
 * closes them: the worker closes only itself.
 */
export interface TrainingWorkerResources {
  /** The whole configuration: the training children receive it as their environment. */
  config: Config;
  logger: Logger;
  db: Database;
  store: ArtifactStore;
  /** For the reconciler's re-enqueues. */
  trainingQueue: TrainingQueue;
  /**
   * A connection that retries forever (`maxRetriesPerRequest: null`), as BullMQ's Worker
   * requires: the worker resumes by itself after a Redis outage instead of failing fast.
   */
  workerConnection(): Redis;
}

export interface TrainingWorkerOptions {
  /** How often the worker reconciles the queue with PostgreSQL and sweeps artifacts (0: only at start). */
  maintenanceEveryMs?: number;
  /** How long after the start the first of those rounds runs (default 0: at once). */
  maintenanceDelayMs?: number;
  /** Rows younger than this are never taken for lost (see reconcileTrainingJobs). */
  reconcileGraceMs?: number;
}

/**
 * Starts a BullMQ worker for training jobs. Each job runs in a sandboxed child process, so
 * CPU-bound training never starves the lock renewal here. At start and then periodically it
 * re-enqueues jobs the queue lost, fails those out of attempts, sweeps orphaned artifacts,
 * drops expired idempotency keys and audit events past their retention, and resumes project
 * erasures left unfinished. `close()` preempts running jobs: each checkpoints and goes
 * back to the queue for another worker.
 */
export function startTrainingWorker(resources: TrainingWorkerResources, opts: TrainingWorkerOptions = {}): Worker {
  const { config, logger, db, store, trainingQueue: queue } = resources;
  const worker = new Worker(jobCatalog.train.queue, processor.file, {
    connection: resources.workerConnection(),
    prefix: config.REDIS_PREFIX,
    concurrency: config.WORKER_CONCURRENCY,
    workerForkOptions: { env: configAsEnv(config), execArgv: [...processor.execArgv, ...heapLimit(config)] },
    // Epochs can run for minutes, but they run in the child: this process only relays
    // messages, so it renews the lock every lockDuration/2 = 5 s however long an epoch is.
    // The lock can therefore be short, and short is what makes a dead worker's job come back
    // quickly: another worker takes it within lockDuration + stalledInterval (≈ 15 s).
    lockDuration: 10_000,
    stalledInterval: 5_000,
    // A job whose worker keeps dying (out of memory, say) must end eventually; each stall
    // resumes from a checkpoint, so a few are cheap.
    maxStalledCount: 3,
  });
  worker.on('failed', (job, error) => {
    logger.warn({ jobId: job?.id, err: error.message }, 'training attempt failed');
    if (job)
      void recordFailedAttempt(db, job, error).catch((err: unknown) =>
        logger.error({ err }, 'could not record a failed attempt'),
      );
  });
  worker.on('error', (error) => logger.error({ err: error }, 'training worker error'));
  worker.on('ready', () => logger.info({ concurrency: config.WORKER_CONCURRENCY }, 'training worker ready'));

  const maintain = async () => {
    try {
      await reconcileTrainingJobs(db, queue, logger, {
        maxAttempts: jobCatalog.train.attempts,
        graceMs: opts.reconcileGraceMs ?? 15_000,
      });
      // A step for every search still going: one lost with a crashed worker is made up for here.
      await reconcileTuningJobs(db, queue);
      // Drift checks of monitored versions, once per window each.
      await runDueMonitors(db, store);
      await sweepOrphanedArtifacts(db, store, logger);
      await db.idempotencyKey.deleteMany({ where: { expiresAt: { lt: new Date() } } });
      await sweepAuditEvents(db, config.AUDIT_RETENTION_DAYS);
      await resumeProjectErasures({ db, store, trainingQueue: queue, redisPrefix: config.REDIS_PREFIX, logger });
    } catch (error) {
      // Redis or Postgres is down: the next round tries again.
      logger.warn({ err: (error as Error).message }, 'worker maintenance failed');
    }
  };
  const maintenance = startMaintenance(maintain, opts.maintenanceEveryMs ?? 60_000, opts.maintenanceDelayMs);

  const close = worker.close.bind(worker);
  worker.close = async (force?: boolean) => {
    const lastRound = maintenance.stop();
    // Aborting each job's signal makes its child checkpoint and hand the job back.
    worker.cancelAllJobs('worker shutting down');
    await close(force);
    await lastRound;
  };
  return worker;
}

/**
 * Brings the record in line with a failed attempt the child could not report itself (it was
 * killed): a job the queue will retry reads as queued again; one it gave up on fails.
 */
async function recordFailedAttempt(db: Database, job: Job<JobPayload<'train'>>, error: Error): Promise<void> {
  const state = await job.getState();
  const where = { id: job.id!, status: { in: ['queued' as const, 'running' as const] } };
  if (state === 'failed') {
    const ended = await db.trainingJob.updateMany({
      where,
      data: {
        status: 'failed',
        finishedAt: new Date(),
        error: {
          code: 'attempts_exhausted',
          message: `No attempts left; the last one failed: ${error.message}`,
        } satisfies JobFailure,
      },
    });
    if (ended.count) await announceTrainingJobEnd({ db }, job.id!);
  } else {
    await db.trainingJob.updateMany({
      where: { ...where, status: 'running' },
      data: {
        status: 'queued',
        error: { code: 'attempt_failed', message: error.message, attempt: job.attemptsMade } satisfies JobFailure,
      },
    });
  }
}
