/**
 * Recording events for webhook delivery. `enqueueWebhookEvent` writes one delivery row per
 * subscribed endpoint (the record, in PostgreSQL) and, when it is handed the webhook queue,
 * puts each on it at once; rows written where no queue is at hand (a training child) are put
 * there by the webhook worker's sweep (webhook-worker.ts) within a second. It never throws:
 * an event that cannot be recorded is logged, and the operation that raised it goes on.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/client.ts';
import type { Prisma } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { enqueueWebhookDelivery, type WebhookQueue } from '../queue/background-queues.ts';

export const WEBHOOK_EVENTS = [
  'job.succeeded',
  'job.failed',
  'job.cancelled',
  'tuning.finished',
  'batch.finished',
  'alias.moved',
  'monitoring.alert',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** What recording an event needs: the database, and the queue where the process has one. */
export interface WebhookEventDeps {
  db: Pick<Database, 'webhook' | 'webhookDelivery'>;
  webhookQueue?: WebhookQueue;
  logger?: Logger;
}

/** The body every delivery of an event carries. */
export interface WebhookEventBody {
  id: string;
  type: WebhookEventType;
  createdAt: string;
  projectId: string;
  data: Record<string, unknown>;
}

/**
 * Records `type` with `data` for every endpoint of the project subscribed to it; returns the
 * number of deliveries recorded (0 when no endpoint wants it, or on failure).
 */
export async function enqueueWebhookEvent(
  deps: WebhookEventDeps,
  projectId: string,
  type: WebhookEventType,
  data: Record<string, unknown>,
): Promise<number> {
  try {
    const hooks = await deps.db.webhook.findMany({
      where: { projectId, events: { has: type } },
      select: { id: true },
    });
    if (hooks.length === 0) return 0;
    const body: WebhookEventBody = { id: randomUUID(), type, createdAt: new Date().toISOString(), projectId, data };
    const rows = hooks.map((hook) => ({
      id: randomUUID() as string,
      webhookId: hook.id,
      projectId,
      eventId: body.id,
      eventType: type,
      payload: body as unknown as Prisma.InputJsonValue,
    }));
    await deps.db.webhookDelivery.createMany({ data: rows });
    if (deps.webhookQueue) {
      const queue = deps.webhookQueue;
      const queued = await Promise.all(
        rows.map((row) =>
          enqueueWebhookDelivery(queue, row.id, 1).then(
            () => row.id,
            () => undefined, // Redis is down: the sweep queues it once it is back
          ),
        ),
      );
      const ids = queued.filter((id): id is string => id !== undefined);
      if (ids.length)
        await deps.db.webhookDelivery.updateMany({
          where: { id: { in: ids }, queuedAt: null },
          data: { queuedAt: new Date() },
        });
    }
    return rows.length;
  } catch (error) {
    deps.logger?.error({ err: error, projectId, type }, 'could not record a webhook event');
    return 0;
  }
}
