/**
 * One delivery attempt of a webhook event, and what follows it: delivered on a 2xx; otherwise
 * retried with exponential backoff (WEBHOOK_RETRY_BASE_MS, doubling) while the next attempt
 * still falls within WEBHOOK_RETRY_WINDOW_MS of the event, and given up as failed after that.
 * Each attempt is bounded by WEBHOOK_TIMEOUT_MS from the first byte of the connection to the
 * last of the answer, redirects are not followed (they could lead anywhere), and the answer
 * body is read only to be discarded, so a slow or hostile receiver holds one of the webhook
 * worker's slots for the timeout at most and nothing else.
 */
import http from 'node:http';
import https from 'node:https';
import type { Config } from '../config/env.ts';
import type { Database } from '../db/client.ts';
import type { Prisma } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { enqueueWebhookDelivery, type WebhookQueue } from '../queue/background-queues.ts';
import { serviceVersion } from '../service-version.ts';
import type { AddressPolicy } from '../network/address-policy.ts';
import { SIGNATURE_HEADER, signatureHeader } from './signing.ts';

export type DeliverySettings = Pick<
  Config,
  'WEBHOOK_TIMEOUT_MS' | 'WEBHOOK_RETRY_BASE_MS' | 'WEBHOOK_RETRY_WINDOW_MS' | 'WEBHOOK_ALLOWED_ADDRESSES'
>;

export interface AttemptOutcome {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** Attempts kept per delivery in `attemptLog` (the counts and the last one are always kept). */
const MAX_LOGGED_ATTEMPTS = 50;

/** Sends one signed POST; never throws: a failure is an outcome with its reason. */
export function postSigned(
  policy: AddressPolicy,
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<AttemptOutcome> {
  const started = performance.now();
  const done = (statusCode: number | null, error: string | null): AttemptOutcome => ({
    statusCode,
    error,
    durationMs: Math.round(performance.now() - started),
  });
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return resolve(done(null, 'the URL is not valid'));
    }
    const refusal = policy.refusalOf(target);
    if (refusal) return resolve(done(null, refusal));
    const client = target.protocol === 'https:' ? https : http;
    let settled = false;
    const finish = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        lookup: policy.lookup as never,
        agent: false,
      },
      (response) => {
        response.on('data', () => undefined);
        response.on('end', () => finish(done(response.statusCode ?? null, null)));
        response.on('error', (error) => finish(done(response.statusCode ?? null, error.message)));
      },
    );
    const timer = setTimeout(() => {
      request.destroy(new Error(`no complete answer within ${timeoutMs} ms`));
    }, timeoutMs);
    request.on('error', (error) => finish(done(null, error.message)));
    request.end(body);
  });
}

export interface DeliveryContext {
  db: Database;
  webhookQueue: WebhookQueue;
  settings: DeliverySettings;
  policy: AddressPolicy;
  logger: Logger;
}

/** The delay before attempt `next` (2, 3, ...): the base, doubled for each attempt after the second. */
export const retryDelayMs = (base: number, next: number) => base * 2 ** Math.max(0, next - 2);

/** Runs the delivery's next attempt and records it; schedules the one after when it failed. */
export async function attemptDelivery(ctx: DeliveryContext, deliveryId: string): Promise<void> {
  const delivery = await ctx.db.webhookDelivery.findUnique({ where: { id: deliveryId }, include: { webhook: true } });
  if (!delivery || delivery.status !== 'pending') return;
  const body = JSON.stringify(delivery.payload);
  const timestamp = Math.floor(Date.now() / 1000);
  const attempt = delivery.attempts + 1;
  const outcome = await postSigned(
    ctx.policy,
    delivery.webhook.url,
    body,
    {
      'content-type': 'application/json',
      'user-agent': `maas-webhooks/${serviceVersion}`,
      [SIGNATURE_HEADER]: signatureHeader(delivery.webhook.secret, timestamp, body),
      'maas-event-id': delivery.eventId,
      'maas-event-type': delivery.eventType,
      'maas-delivery-id': delivery.id,
      'maas-delivery-attempt': String(attempt),
    },
    ctx.settings.WEBHOOK_TIMEOUT_MS,
  );
  const ok = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
  const nextDelay = retryDelayMs(ctx.settings.WEBHOOK_RETRY_BASE_MS, attempt + 1);
  const retry = !ok && Date.now() + nextDelay <= delivery.createdAt.getTime() + ctx.settings.WEBHOOK_RETRY_WINDOW_MS;
  const log = [
    ...((delivery.attemptLog as unknown as object[]) ?? []),
    { attempt, at: new Date().toISOString(), ...outcome },
  ].slice(-MAX_LOGGED_ATTEMPTS);
  const error = ok ? null : (outcome.error ?? `the receiver answered ${outcome.statusCode}`);
  // Conditional on the attempt count, so a duplicate run of the same attempt records nothing.
  const recorded = await ctx.db.webhookDelivery.updateMany({
    where: { id: delivery.id, status: 'pending', attempts: delivery.attempts },
    data: {
      attempts: attempt,
      lastStatusCode: outcome.statusCode,
      lastError: error,
      attemptLog: log as unknown as Prisma.InputJsonValue,
      status: ok ? 'delivered' : retry ? 'pending' : 'failed',
      ...(ok ? { deliveredAt: new Date() } : {}),
      ...(retry ? { queuedAt: new Date() } : {}),
    },
  });
  if (recorded.count === 0) return;
  if (retry) await enqueueWebhookDelivery(ctx.webhookQueue, delivery.id, attempt + 1, nextDelay);
  if (!ok)
    ctx.logger.info(
      { deliveryId, webhookId: delivery.webhookId, attempt, statusCode: outcome.statusCode, error, retry },
      'webhook delivery attempt failed',
    );
}
