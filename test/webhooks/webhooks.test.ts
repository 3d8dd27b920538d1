import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressPolicy } from '../../src/network/address-policy.ts';
import { postSigned } from '../../src/webhooks/deliver.ts';
import { verifySignature } from '../../src/webhooks/signing.ts';
import { startBackgroundWorkers } from '../support/batch.ts';
import { createTenant, createTenantEnv, type TenantEnv } from '../support/test-env.ts';
import { uploadCsv } from '../support/training.ts';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A real receiver on 127.0.0.1: /flaky answers 500 once then 200, /down always 500, /hang never answers. */
function startReceiver() {
  const received: Received[] = [];
  const flaky = new Map<string, number>();
  const hanging: http.ServerResponse[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({ path, headers: request.headers, body });
      if (path === '/hang') return void hanging.push(response);
      if (path === '/down') return void response.writeHead(500).end('down');
      const eventId = String(request.headers['maas-event-id']);
      const seen = flaky.get(eventId) ?? 0;
      flaky.set(eventId, seen + 1);
      response.writeHead(path === '/flaky' && seen === 0 ? 500 : 200).end('ok');
    });
  });
  return new Promise<{ url: string; port: number; received: Received[]; close(): Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        received,
        close: () =>
          new Promise((done) => {
            for (const response of hanging) response.destroy();
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    }),
  );
}

let setup: TenantEnv;
let workers: Worker[];
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let datasetId: string;

const env = () => setup.env;
const auth = () => setup.tenant.auth;
const request = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, headers = auth()) =>
  env().app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Submits a training job (no training worker runs here, so it stays queued) and cancels it: job.cancelled. */
async function cancelledJob(): Promise<string> {
  const submitted = await request('POST', '/v1/training-jobs', {
    datasetId,
    target: 'species',
    modelName: 'iris',
    model: { type: 'logistic', epochs: 1 },
  });
  expect(submitted.statusCode).toBe(202);
  const id = submitted.json().id as string;
  expect((await request('POST', `/v1/training-jobs/${id}/cancel`)).json().status).toBe('cancelled');
  return id;
}

async function createWebhook(path: string, events: string[]) {
  const created = await request('POST', '/v1/webhooks', { url: `${receiver.url}${path}`, events });
  expect(created.statusCode).toBe(201);
  return created.json() as { id: string; secret: string; url: string; events: string[] };
}

beforeAll(async () => {
  receiver = await startReceiver();
  setup = await createTenantEnv({
    WEBHOOK_ALLOWED_ADDRESSES: '127.0.0.1',
    WEBHOOK_RETRY_BASE_MS: '100',
    WEBHOOK_RETRY_WINDOW_MS: '1500',
    WEBHOOK_TIMEOUT_MS: '500',
  });
  workers = startBackgroundWorkers(env());
  datasetId = (await uploadCsv(env(), setup.tenant, 'tabular/iris.csv', 'iris')).id;
});
afterAll(async () => {
  for (const worker of workers ?? []) await worker.close();
  await setup?.close();
  await receiver?.close();
});

describe('webhooks', () => {
  it('shows the secret once, signs each delivery, retries a 500 and records every attempt', async () => {
    const hook = await createWebhook('/flaky', ['job.cancelled', 'job.failed']);
    expect(hook.secret).toMatch(/^whsec_/);
    const listed = (await request('GET', '/v1/webhooks')).json().items;
    expect(listed).toEqual([
      { id: hook.id, url: hook.url, events: ['job.cancelled', 'job.failed'], createdAt: expect.any(String) },
    ]);
    expect(JSON.stringify((await request('GET', `/v1/webhooks/${hook.id}`)).json())).not.toContain(hook.secret);

    const jobId = await cancelledJob();
    const delivery = await until('the delivery to succeed on its second attempt', async () => {
      const items = (await request('GET', `/v1/webhooks/${hook.id}/deliveries`)).json().items;
      return items[0]?.status === 'delivered' ? items[0] : undefined;
    });
    expect(delivery).toMatchObject({ eventType: 'job.cancelled', attempts: 2, lastStatusCode: 200, lastError: null });
    expect(delivery.attemptLog.map((entry: { statusCode: number }) => entry.statusCode)).toEqual([500, 200]);

    const sent = receiver.received.filter((entry) => entry.path === '/flaky');
    expect(sent).toHaveLength(2);
    for (const entry of sent) {
      expect(verifySignature(hook.secret, String(entry.headers['maas-signature']), entry.body)).toBe(true);
      // Another secret, or a changed body, does not verify.
      expect(verifySignature('whsec_other', String(entry.headers['maas-signature']), entry.body)).toBe(false);
      expect(verifySignature(hook.secret, String(entry.headers['maas-signature']), `${entry.body} `)).toBe(false);
      const body = JSON.parse(entry.body);
      expect(body).toMatchObject({
        type: 'job.cancelled',
        projectId: setup.tenant.projectId,
        data: { trainingJob: { id: jobId, status: 'cancelled', modelName: 'iris' } },
      });
      expect(entry.headers['maas-event-id']).toBe(body.id);
    }
    expect(sent.map((entry) => entry.headers['maas-delivery-attempt'])).toEqual(['1', '2']);
  });

  it('gives a delivery up once its retry window is spent, and times out a receiver that never answers', async () => {
    const down = await createWebhook('/down', ['job.cancelled']);
    const hang = await createWebhook('/hang', ['job.cancelled']);
    const unsubscribed = await createWebhook('/ok', ['job.succeeded']);
    await cancelledJob();
    const failed = await until('the delivery to /down to be given up', async () => {
      const items = (await request('GET', `/v1/webhooks/${down.id}/deliveries`)).json().items;
      return items[0]?.status === 'failed' ? items[0] : undefined;
    });
    expect(failed.attempts).toBeGreaterThanOrEqual(2);
    expect(new Set(failed.attemptLog.map((entry: { statusCode: number }) => entry.statusCode))).toEqual(new Set([500]));
    const timedOut = await until('an attempt at /hang to time out', async () => {
      const items = (await request('GET', `/v1/webhooks/${hang.id}/deliveries`)).json().items;
      return items[0]?.attempts >= 1 ? items[0] : undefined;
    });
    expect(timedOut.lastStatusCode).toBeNull();
    expect(timedOut.lastError).toMatch(/no complete answer within 500 ms/);
    expect((await request('GET', `/v1/webhooks/${unsubscribed.id}/deliveries`)).json().items).toEqual([]);
  });

  it('refuses loopback, link-local and private addresses: in the URL, and by what a name resolves to at delivery', async () => {
    for (const url of [
      'http://10.0.0.5/hook',
      'http://169.254.169.254/latest',
      'http://[::1]:8080/',
      'http://192.168.1.1/',
      'http://[::ffff:10.0.0.1]/',
    ]) {
      const refused = await request('POST', '/v1/webhooks', { url, events: ['job.failed'] });
      expect({ url, status: refused.statusCode, code: refused.json().code }).toEqual({
        url,
        status: 422,
        code: 'webhook_url_refused',
      });
    }
    for (const payload of [
      { url: 'ftp://example.com/', events: ['job.failed'] },
      { url: 'https://example.com/', events: ['job.exploded'] },
      { url: 'https://example.com/', events: [] },
    ]) {
      expect((await request('POST', '/v1/webhooks', payload)).statusCode).toBe(400);
    }
    // `localhost` passes no IP check in the URL; the address it resolves to is refused when delivering.
    // A path of this check's own: the receiver also takes the earlier tests' retries (/hang, /down).
    const strict = new AddressPolicy('');
    const reached = () => receiver.received.filter((entry) => entry.path === '/address-check').length;
    const refused = await postSigned(strict, `http://localhost:${receiver.port}/address-check`, '{}', {}, 2_000);
    expect(refused.statusCode).toBeNull();
    expect(refused.error).toMatch(/may not reach/);
    const allowed = await postSigned(
      new AddressPolicy('127.0.0.1, ::1'),
      `http://localhost:${receiver.port}/address-check`,
      '{}',
      {},
      2_000,
    );
    expect(allowed.statusCode).toBe(200);
    // The refused attempt never reached the receiver; the allowed one did, once.
    expect(reached()).toBe(1);
    expect(strict.permits('8.8.8.8')).toBe(true);
    expect(strict.permits('::ffff:127.0.0.1')).toBe(false);
    expect(strict.permits('fd00::1')).toBe(false);
  });

  it("answers 404 for another project's webhooks and deletes a project's own", async () => {
    const hook = await createWebhook('/ok', ['alias.moved']);
    const other = await createTenant(env());
    for (const url of [`/v1/webhooks/${hook.id}`, `/v1/webhooks/${hook.id}/deliveries`])
      expect((await request('GET', url, undefined, other.auth)).statusCode).toBe(404);
    expect((await request('DELETE', `/v1/webhooks/${hook.id}`, undefined, other.auth)).statusCode).toBe(404);
    expect((await request('GET', '/v1/webhooks', undefined, other.auth)).json().items).toEqual([]);
    expect((await request('DELETE', `/v1/webhooks/${hook.id}`)).statusCode).toBe(200);
    expect((await request('GET', `/v1/webhooks/${hook.id}`)).statusCode).toBe(404);
  });
});
