/**
 * The webhook worker: delivers events from their own queue, in this process (deliveries wait
 * on the network, not the CPU), WEBHOOK_CONCURRENCY at a time, each bounded by
 * WEBHOOK_TIMEOUT_MS. Training and batch jobs only write delivery rows, and the API only
 * writes rows and enqueues: neither ever waits for a receiver. A sweep each second queues
 * rows written where no queue was at hand (training children) and re-queues deliveries whose
 * queue entry was lost (Redis restarted empty).
 */
import { DelayedError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/env.ts';
import { databaseIdentity } from '../config/database-identity.ts';
import type { Database } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { enqueueWebhookDelivery, type WebhookQueue } from '../queue/background-queues.ts';
import { jobCatalog, type JobPayload } from '../queue/job-catalog.ts';
import { startMaintenance } from '../queue/maintenance.ts';
import { AddressPolicy } from '../network/address-policy.ts';
import { attemptDelivery, retryDelayMs, type DeliveryContext } from './deliver.ts';

export interface WebhookWorkerResources {
  config: Config;
  logger: Logger;
  db: Database;
  webhookQueue: WebhookQueue;
  workerConnection(): Redis;
}

/** How often rows not on the queue are looked for. */
const SWEEP_EVERY_MS = 1_000;
/** A queued delivery not attempted this long after it was due is taken for lost. */
const LOST_AFTER_MS = 60_000;

export function startWebhookWorker(
  resources: WebhookWorkerResources,
  opts: { sweepEveryMs?: number; firstSweepDelayMs?: number } = {},
): Worker {
  const { config, logger, db, webhookQueue } = resources;
  const ctx: DeliveryContext = {
    db,
    webhookQueue,
    settings: config,
    policy: new AddressPolicy(config.WEBHOOK_ALLOWED_ADDRESSES),
    logger,
  };
  const database = databaseIdentity(config.DATABASE_URL);
  const worker = new Worker<JobPayload<'webhookDelivery'>>(
    jobCatalog.webhookDelivery.queue,
    async (job: Job<JobPayload<'webhookDelivery'>>, token?: string) => {
      const { deliveryId, database: owner } = jobCatalog.webhookDelivery.payload.parse(job.data);
      if (owner !== undefined && owner !== database) {
        // Another deployment's delivery (a Redis shared by mistake): left for its owner.
        await job.moveToDelayed(Date.now() + 1_000, token);
        throw new DelayedError();
      }
      await attemptDelivery(ctx, deliveryId);
    },
    {
      connection: resources.workerConnection(),
      prefix: config.REDIS_PREFIX,
      concurrency: config.WEBHOOK_CONCURRENCY,
      // An attempt lasts WEBHOOK_TIMEOUT_MS at most; the lock only has to outlast it.
      lockDuration: Math.max(30_000, config.WEBHOOK_TIMEOUT_MS * 3),
    },
  );
  worker.on('error', (error) => logger.error({ err: error }, 'webhook worker error'));
  worker.on('failed', (job, error) =>
    logger.warn({ jobId: job?.id, err: error.message }, 'webhook delivery job failed'),
  );

  const sweep = async () => {
    try {
      await queueUnqueued(db, webhookQueue);
      await requeueLost(db, webhookQueue, config);
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'webhook sweep failed');
    }
  };
  const sweeps = startMaintenance(sweep, opts.sweepEveryMs ?? SWEEP_EVERY_MS, opts.firstSweepDelayMs);
  const close = worker.close.bind(worker);
  worker.close = async (force?: boolean) => {
    const swept = sweeps.stop();
    await close(force);
    await swept;
  };
  return worker;
}

/** Deliveries recorded without a queue at hand: their first attempt is queued now. */
async function queueUnqueued(db: Database, queue: WebhookQueue): Promise<void> {
  const rows = await db.webhookDelivery.findMany({
    where: { status: 'pending', queuedAt: null },
    select: { id: true, attempts: true },
    orderBy: { createdAt: 'asc' },
    take: 500,
  });
  for (const row of rows) {
    await enqueueWebhookDelivery(queue, row.id, row.attempts + 1);
    await db.webhookDelivery.updateMany({ where: { id: row.id, queuedAt: null }, data: { queuedAt: new Date() } });
  }
}

/** Pending deliveries long past their next attempt's time: their entry is queued again (a no-op when it exists). */
async function requeueLost(db: Database, queue: WebhookQueue, config: Config): Promise<void> {
  const rows = await db.webhookDelivery.findMany({
    where: { status: 'pending', queuedAt: { lt: new Date(Date.now() - LOST_AFTER_MS) } },
    select: { id: true, attempts: true, queuedAt: true },
    take: 500,
  });
  for (const row of rows) {
    const due =
      row.queuedAt!.getTime() +
      (row.attempts === 0 ? 0 : retryDelayMs(config.WEBHOOK_RETRY_BASE_MS, row.attempts + 1)) +
      config.WEBHOOK_TIMEOUT_MS;
    if (Date.now() - due < LOST_AFTER_MS) continue;
    await enqueueWebhookDelivery(queue, row.id, row.attempts + 1);
    await db.webhookDelivery.update({ where: { id: row.id }, data: { queuedAt: new Date() } });
  }
}
