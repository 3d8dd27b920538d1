import { z } from 'zod';
import { WEBHOOK_EVENTS } from '../../webhooks/events.ts';

export const webhookRequest = z
  .object({
    url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .describe('Where events are POSTed (http or https); loopback and private addresses are refused'),
    events: z
      .array(z.enum(WEBHOOK_EVENTS))
      .min(1)
      .max(WEBHOOK_EVENTS.length)
      .refine((events) => new Set(events).size === events.length, 'lists an event twice'),
  })
  .strict()
  .meta({ id: 'WebhookRequest' });

export const webhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENTS)),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Webhook' });

export const createdWebhookSchema = webhookSchema
  .extend({
    secret: z
      .string()
      .describe(
        'The signing secret, shown this once: each delivery carries `Maas-Signature: t=<unix seconds>,v1=<hex>`, ' +
          'the HMAC-SHA256 of `<t>.<body>` under this secret',
      ),
  })
  .meta({ id: 'CreatedWebhook' });

export const webhookDeliverySchema = z
  .object({
    id: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    attemptLog: z.array(
      z
        .object({
          attempt: z.number().int(),
          at: z.string(),
          statusCode: z.number().int().nullable(),
          error: z.string().nullable(),
          durationMs: z.number(),
        })
        .loose(),
    ),
    payload: z.record(z.string(), z.unknown()).describe('The body sent'),
    createdAt: z.iso.datetime(),
    deliveredAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'WebhookDelivery' });

export function toWebhook(row: {
  id: string;
  url: string;
  events: string[];
  createdAt: Date;
}): z.infer<typeof webhookSchema> {
  return {
    id: row.id,
    url: row.url,
    events: row.events as z.infer<typeof webhookSchema>['events'],
    createdAt: row.createdAt.toISOString(),
  };
}

export function toWebhookDelivery(row: {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  attemptLog: unknown;
  payload: unknown;
  createdAt: Date;
  deliveredAt: Date | null;
}): z.infer<typeof webhookDeliverySchema> {
  return {
    id: row.id,
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status as 'pending' | 'delivered' | 'failed',
    attempts: row.attempts,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    attemptLog: row.attemptLog as z.infer<typeof webhookDeliverySchema>['attemptLog'],
    payload: row.payload as Record<string, unknown>,
    createdAt: row.createdAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
  };
}
