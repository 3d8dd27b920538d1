import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ServiceUnavailableError } from '../errors.ts';
import { jobCatalog, type JobPayload } from './job-catalog.ts';

const spec = jobCatalog.train;

/** Training jobs (`train`) and tuning coordinator steps (`tune`) share the queue and its workers. */
export type TrainingQueue = Queue<JobPayload<'train'> | JobPayload<'tune'>>;

/** The databaseIdentity each queue's jobs are recorded in, stamped on every job it enqueues. */
const databases = new WeakMap<TrainingQueue, string>();

/**
 * The producer side of the training queue, over a fail-fast connection; `database` (the
 * databaseIdentity of the deployment's database) marks its jobs as that database's.
 */
export function createTrainingQueue(connection: Redis, prefix: string, database?: string): TrainingQueue {
  const queue: TrainingQueue = new Queue(spec.queue, { connection, prefix });
  if (database !== undefined) databases.set(queue, database);
  queue.on('error', () => undefined); // outages surface as 503s from enqueueTraining and readiness
  // BullMQ leaves a connection it was handed open; this queue owns its connection.
  const close = queue.close.bind(queue);
  queue.close = async () => {
    await close();
    connection.disconnect();
  };
  return queue;
}

/** BullMQ's largest priority; a lower number runs first. */
export const LOWEST_PRIORITY = 2_097_152;

/**
 * Enqueues a training job under its own id, so enqueueing the same job twice (a retried
 * request, the reconciler) never makes a second queue entry. `priority` (1 runs first, equal
 * priorities in arrival order) orders jobs across projects (see training/jobs/scheduling.ts).
 */
export async function enqueueTraining(
  queue: TrainingQueue,
  trainingJobId: string,
  opts: { priority?: number } = {},
): Promise<void> {
  const payload = spec.payload.parse({ trainingJobId, database: databases.get(queue) });
  try {
    await queue.add('train', payload, {
      jobId: trainingJobId,
      ...(opts.priority === undefined
        ? {}
        : { priority: Math.min(Math.max(1, Math.floor(opts.priority)), LOWEST_PRIORITY) }),
      attempts: spec.attempts,
      backoff: spec.backoff,
      removeOnComplete: { age: 24 * 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  } catch (error) {
    throw new ServiceUnavailableError(
      'queue_unavailable',
      `The job queue is unreachable: ${(error as Error).message}`,
      2,
    );
  }
}

/**
 * Enqueues one step of a tuning job's coordinator, first in line (priority 1). `step` names it
 * (a trial's end, a maintenance round): the same name twice makes one queue entry.
 */
export async function enqueueTuningStep(queue: TrainingQueue, tuningJobId: string, step: string): Promise<void> {
  const tune = jobCatalog.tune;
  const payload = tune.payload.parse({ tuningJobId, database: databases.get(queue) });
  try {
    await queue.add('tune', payload, {
      jobId: `tune_${tuningJobId}_${step}`,
      priority: 1,
      attempts: tune.attempts,
      backoff: tune.backoff,
      removeOnComplete: true,
      removeOnFail: { age: 24 * 3600 },
    });
  } catch (error) {
    throw new ServiceUnavailableError(
      'queue_unavailable',
      `The job queue is unreachable: ${(error as Error).message}`,
      2,
    );
  }
}

/** Removes a job that has not started yet; false when a worker already holds it. */
export async function removeQueuedTraining(queue: TrainingQueue, trainingJobId: string): Promise<boolean> {
  const job = await queue.getJob(trainingJobId);
  if (!job) return true;
  const state = await job.getState();
  if (state === 'active') return false;
  await job.remove().catch(() => undefined);
  return true;
}

/**
 * The fail-fast connection the queue was built on (createTrainingQueue always hands it a
 * client), for maintenance that needs plain Redis commands beside the queue's own.
 */
export function queueConnection(queue: TrainingQueue): Redis {
  return queue.opts.connection as Redis;
}
