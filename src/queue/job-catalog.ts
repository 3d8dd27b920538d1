import { z } from 'zod';

/**
 * Every background job the service runs: its queue, payload schema, attempts and backoff.
 * Payloads carry ids only; PostgreSQL is the record of each job's state.
 */
export const jobCatalog = {
  train: {
    queue: 'training',
    payload: z
      .object({
        trainingJobId: z.uuid(),
        // The databaseIdentity of the deployment whose database holds the job's row: a worker
        // of another database sharing the queue leaves the job for its owner. Absent on jobs
        // enqueued before it was recorded.
        database: z.string().optional(),
      })
      .strict(),
    attempts: 3,
    // Transient failures (a worker lost, a dependency blip) retry after 5 s, 10 s, ...
    backoff: { type: 'exponential' as const, delay: 5_000 },
  },
  /**
   * One step of a tuning job's coordinator (src/tuning/coordinator.ts): idempotent, so a step
   * enqueued twice, retried or lost and re-enqueued by the maintenance round does no harm.
   * On the training queue, so any worker of the pool runs it, before waiting trials.
   */
  tune: {
    queue: 'training',
    payload: z.object({ tuningJobId: z.uuid(), database: z.string().optional() }).strict(),
    attempts: 5,
    backoff: { type: 'exponential' as const, delay: 1_000 },
  },
  batchPredict: {
    queue: 'batch-predictions',
    payload: z.object({ batchPredictionId: z.uuid(), database: z.string().optional() }).strict(),
    attempts: 3,
    // A retried run resumes at its first unrecorded part, so a retry costs at most one part.
    backoff: { type: 'exponential' as const, delay: 5_000 },
  },
  webhookDelivery: {
    queue: 'webhook-deliveries',
    payload: z.object({ deliveryId: z.uuid(), database: z.string().optional() }).strict(),
    // Retries are scheduled by the delivery itself (src/webhooks/deliver.ts): exponential
    // backoff within WEBHOOK_RETRY_WINDOW_MS, so the count here is only an upper bound.
    attempts: 1,
    backoff: { type: 'exponential' as const, delay: 10_000 },
  },
} as const;

export type JobName = keyof typeof jobCatalog;
export type JobPayload<N extends JobName> = z.infer<(typeof jobCatalog)[N]['payload']>;
