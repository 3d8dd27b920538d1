/**
 * The producer sides of the queues beside training: batch predictions and webhook deliveries.
 * Each is enqueued under the record's own id, so enqueueing twice (a retried request, a sweep)
 * never makes a second entry, and stamped with the deployment's databaseIdentity as training
 * jobs are (see training-queue.ts).
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ServiceUnavailableError } from '../errors.ts';
import { jobCatalog, type JobPayload } from './job-catalog.ts';

export type BatchQueue = Queue<JobPayload<'batchPredict'>>;
export type WebhookQueue = Queue<JobPayload<'webhookDelivery'>>;

const databases = new WeakMap<Queue, string>();

function ownedQueue<T>(name: string, connection: Redis, prefix: string, database?: string): Queue<T> {
  const queue = new Queue<T>(name, { connection, prefix });
  if (database !== undefined) databases.set(queue as Queue, database);
  queue.on('error', () => undefined); // outages surface as 503s from the enqueue functions
  const close = queue.close.bind(queue);
  queue.close = async () => {
    await close();
    connection.disconnect();
  };
  return queue;
}

export const createBatchQueue = (connection: Redis, prefix: string, database?: string): BatchQueue =>
  ownedQueue(jobCatalog.batchPredict.queue, connection, prefix, database);

export const createWebhookQueue = (connection: Redis, prefix: string, database?: string): WebhookQueue =>
  ownedQueue(jobCatalog.webhookDelivery.queue, connection, prefix, database);

const unavailable = (error: unknown) =>
  new ServiceUnavailableError('queue_unavailable', `The job queue is unreachable: ${(error as Error).message}`, 2);

export async function enqueueBatchPrediction(queue: BatchQueue, batchPredictionId: string): Promise<void> {
  const spec = jobCatalog.batchPredict;
  const payload = spec.payload.parse({ batchPredictionId, database: databases.get(queue as Queue) });
  try {
    await queue.add('batchPredict', payload, {
      jobId: batchPredictionId,
      attempts: spec.attempts,
      backoff: spec.backoff,
      removeOnComplete: { age: 24 * 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  } catch (error) {
    throw unavailable(error);
  }
}

/** Removes a batch job that has not started yet; false when a worker already holds it. */
export async function removeQueuedBatch(queue: BatchQueue, batchPredictionId: string): Promise<boolean> {
  const job = await queue.getJob(batchPredictionId);
  if (!job) return true;
  if ((await job.getState()) === 'active') return false;
  await job.remove().catch(() => undefined);
  return true;
}

/**
 * Puts a delivery on the webhook queue, to run after `delayMs`. The entry id carries the
 * attempt, so a retry is a new entry while a repeated enqueue of the same attempt is not.
 */
export async function enqueueWebhookDelivery(
  queue: WebhookQueue,
  deliveryId: string,
  attempt: number,
  delayMs = 0,
): Promise<void> {
  const spec = jobCatalog.webhookDelivery;
  const payload = spec.payload.parse({ deliveryId, database: databases.get(queue as Queue) });
  await queue.add('webhookDelivery', payload, {
    jobId: `${deliveryId}-${attempt}`,
    delay: delayMs,
    attempts: spec.attempts,
    removeOnComplete: { age: 3600, count: 1000 },
    removeOnFail: { age: 24 * 3600 },
  });
}
