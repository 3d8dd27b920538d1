/**
 * The batch prediction worker: a BullMQ worker whose jobs run in forked children
 * (batch-processor.ts), BATCH_CONCURRENCY at a time, beside the training worker in
 * `npm run worker` and `npm start`. Periodically it makes the queue agree with PostgreSQL:
 * a job the record calls queued or running but the queue lost is enqueued again (it resumes
 * at its first unrecorded part), or failed once its attempts are used up.
 */
import { startMaintenance } from '../queue/maintenance.ts';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/env.ts';
import type { Database } from '../db/client.ts';
import type { JobFailure } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { projectPath, runningFromSource } from '../project-paths.ts';
import { enqueueBatchPrediction, type BatchQueue, type WebhookQueue } from '../queue/background-queues.ts';
import { jobCatalog, type JobPayload } from '../queue/job-catalog.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { finishBatch } from './run-batch.ts';

/** Node flags of the children that run batch predictions (batch-processor.ts). */
export const BATCH_CHILD_NODE_ARGS: string[] = [];

const processor = runningFromSource
  ? { file: projectPath('src', 'batch', 'batch-processor.ts'), execArgv: [...BATCH_CHILD_NODE_ARGS, '--import', 'tsx'] }
  : { file: projectPath('dist', 'batch-processor.js'), execArgv: BATCH_CHILD_NODE_ARGS };

export interface BatchWorkerResources {
  config: Config;
  logger: Logger;
  db: Database;
  store: ArtifactStore;
  batchQueue: BatchQueue;
  webhookQueue: WebhookQueue;
  workerConnection(): Redis;
}

const LIVE_STATES = new Set(['waiting', 'wait', 'active', 'delayed', 'prioritized', 'waiting-children']);

export function startBatchWorker(
  resources: BatchWorkerResources,
  opts: { maintenanceEveryMs?: number; maintenanceDelayMs?: number; reconcileGraceMs?: number } = {},
): Worker {
  const { config, logger } = resources;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(config)) if (value !== undefined) env[name] = String(value);
  const worker = new Worker(jobCatalog.batchPredict.queue, processor.file, {
    connection: resources.workerConnection(),
    prefix: config.REDIS_PREFIX,
    concurrency: config.BATCH_CONCURRENCY,
    workerForkOptions: { env, execArgv: processor.execArgv },
    // As for training: the child scores, this process renews the lock; a dead worker's job
    // comes back within lockDuration + stalledInterval.
    lockDuration: 10_000,
    stalledInterval: 5_000,
    maxStalledCount: 3,
  });
  worker.on('failed', (job, error) => {
    logger.warn({ jobId: job?.id, err: error.message }, 'batch prediction attempt failed');
    if (job)
      void recordFailedAttempt(resources, job, error).catch((err: unknown) =>
        logger.error({ err }, 'could not record a failed batch attempt'),
      );
  });
  worker.on('error', (error) => logger.error({ err: error }, 'batch worker error'));

  const maintain = async () => {
    try {
      await reconcileBatches(resources, opts.reconcileGraceMs ?? 15_000);
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'batch maintenance failed');
    }
  };
  const maintenance = startMaintenance(maintain, opts.maintenanceEveryMs ?? 60_000, opts.maintenanceDelayMs);
  const close = worker.close.bind(worker);
  worker.close = async (force?: boolean) => {
    const lastRound = maintenance.stop();
    worker.cancelAllJobs('worker shutting down');
    await close(force);
    await lastRound;
  };
  return worker;
}

/** A killed child cannot record its failed attempt: the record follows the queue's verdict. */
async function recordFailedAttempt(
  resources: BatchWorkerResources,
  job: Job<JobPayload<'batchPredict'>>,
  error: Error,
): Promise<void> {
  const row = await resources.db.batchPrediction.findUnique({ where: { id: job.id! } });
  if (!row || (row.status !== 'queued' && row.status !== 'running')) return;
  if ((await job.getState()) === 'failed') {
    await finishBatch(resources, row, 'failed', {
      code: 'attempts_exhausted',
      message: `No attempts left; the last one failed: ${error.message}`,
    } satisfies JobFailure);
  } else {
    await resources.db.batchPrediction.updateMany({
      where: { id: row.id, status: 'running' },
      data: { status: 'queued', error: { code: 'attempt_failed', message: error.message } satisfies JobFailure },
    });
  }
}

async function reconcileBatches(resources: BatchWorkerResources, graceMs: number): Promise<void> {
  const { db, batchQueue, logger } = resources;
  const rows = await db.batchPrediction.findMany({
    where: { status: { in: ['queued', 'running'] }, updatedAt: { lt: new Date(Date.now() - graceMs) } },
    take: 1000,
  });
  for (const row of rows) {
    const entry = await batchQueue.getJob(row.id);
    const state = entry ? await entry.getState() : 'missing';
    if (LIVE_STATES.has(state)) continue;
    if (row.cancelRequested) await finishBatch(resources, row, 'cancelled');
    else if (state === 'failed' || row.attempts >= jobCatalog.batchPredict.attempts)
      await finishBatch(resources, row, 'failed', {
        code: 'attempts_exhausted',
        message: `The batch prediction's queue entry ended after ${row.attempts} attempt(s).`,
      });
    else {
      if (entry) await entry.remove().catch(() => undefined);
      await enqueueBatchPrediction(batchQueue, row.id);
      logger.warn({ batchPredictionId: row.id }, 'batch prediction re-enqueued');
    }
  }
}
