import { once } from 'node:events';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { issueApiKey } from '../../src/auth/api-keys.ts';
import { createDeps, type Deps } from '../../src/deps.ts';
import { LeasedRateLimit } from '../../src/quotas/leased-rate-limit.ts';
import { createTenant, createTestEnv, type TestEnv } from '../support/test-env.ts';

const METRICS_TOKEN = 'metrics-token-0123456789';
let env: TestEnv;
/** A second replica: its own process state, the same database and Redis prefix. */
let replicaDeps: Deps;
let replica: FastifyInstance;

/** The limits fail open while Redis is unreachable: wait for the connection, not for time. */
async function connected(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') await once(redis, 'ready');
}

beforeAll(async () => {
  env = await createTestEnv({
    RATE_LIMIT_PER_PROJECT: '6',
    RATE_LIMIT_PER_KEY: '3',
    AUTH_FAILURES_PER_WINDOW: '3',
    METRICS_TOKEN,
  });
  replicaDeps = await createDeps(env.config);
  replica = await buildApp(replicaDeps, { logger: false });
  await replica.ready();
  await Promise.all([connected(env.deps.redis), connected(replicaDeps.redis)]);
});
afterAll(async () => {
  await replica?.close();
  await replicaDeps?.close();
  await env?.close();
});

const list = (auth: { authorization: string }, app: FastifyInstance = env.app, remoteAddress?: string) =>
  app.inject({ method: 'GET', url: '/v1/datasets', headers: auth, ...(remoteAddress ? { remoteAddress } : {}) });

async function addKey(projectId: string): Promise<{ authorization: string }> {
  const response = await env.app.inject({
    method: 'POST',
    url: `/v1/projects/${projectId}/api-keys`,
    headers: { authorization: `Bearer ${env.adminToken}` },
    payload: { name: 'second', scopes: ['read'] },
  });
  return { authorization: `Bearer ${response.json().key}` };
}

describe('rate limits per API key and per project', () => {
  it('answers 429 with Retry-After and RateLimit headers once a key spends its limit; other projects go on', async () => {
    const tenant = await createTenant(env);
    const other = await createTenant(env);
    for (let i = 0; i < 3; i++) {
      const response = await list(tenant.auth);
      expect(response.statusCode).toBe(200);
      // The key's limit (3) is tighter than the project's (6), so the headers report it.
      expect(response.headers).toMatchObject({ 'ratelimit-limit': '3', 'ratelimit-remaining': String(2 - i) });
      expect(Number(response.headers['ratelimit-reset'])).toBeGreaterThan(0);
    }
    const refused = await list(tenant.auth);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ status: 429, code: 'rate_limited', limit: 3, windowSeconds: 60 });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers).toMatchObject({ 'ratelimit-limit': '3', 'ratelimit-remaining': '0' });

    expect((await list(other.auth)).statusCode).toBe(200);
  });

  it('counts every key of a project against the project limit', async () => {
    const tenant = await createTenant(env);
    const second = await addKey(tenant.projectId);
    const third = await addKey(tenant.projectId);
    for (let i = 0; i < 3; i++) expect((await list(tenant.auth)).statusCode).toBe(200);
    for (let i = 0; i < 3; i++) expect((await list(second)).statusCode).toBe(200);
    // The third key has used none of its own 3, but the project has spent its 6.
    const refused = await list(third);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'rate_limited', limit: 6 });
    expect(refused.json().detail).toMatch(/project/);
    expect(refused.headers).toMatchObject({ 'ratelimit-limit': '6', 'ratelimit-remaining': '0' });
  });

  it('shares the counts between replicas through Redis', async () => {
    const tenant = await createTenant(env);
    expect((await list(tenant.auth, env.app)).statusCode).toBe(200);
    expect((await list(tenant.auth, replica)).statusCode).toBe(200);
    expect((await list(tenant.auth, env.app)).statusCode).toBe(200);
    const refused = await list(tenant.auth, replica);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().code).toBe('rate_limited');
  });

  it('near the limit, asks Redis once per limit on a request whose key is cached, and never for authentication', async () => {
    const tenant = await createTenant(env);
    expect((await list(tenant.auth)).statusCode).toBe(200); // verifies and caches the key
    const service = env.deps.redis;
    const source = `127.0.0.1:${(service as unknown as { stream: Socket }).stream.localPort}`;
    const monitor = await new Redis(env.config.REDIS_URL).monitor();
    try {
      const seen: string[][] = [];
      monitor.on('monitor', (_time: string, args: string[], from: string) => {
        if (from === source) seen.push(args);
      });
      /** Commands are reported after they ran: a marker sent on the same connection closes the record. */
      const marker = async (name: string) => {
        const reached = new Promise<void>((resolve) =>
          monitor.on('monitor', (_t: string, args: string[]) => args[1] === name && resolve()),
        );
        await service.echo(name);
        await reached;
      };
      await marker('before');
      const lookups = env.app.apiKeyCache.lookups;
      expect((await list(tenant.auth)).statusCode).toBe(200);
      await marker('after');
      const during = seen.slice(seen.findIndex((a) => a[1] === 'before') + 1, -1);
      const counters = during.map((args) => `${args[0]!.toLowerCase()} ${args[3]?.replace(/^.*:rate-limit:/, '')}`);
      // The key's limit (3) is stricter than the project's (6), and both are too close to spent
      // for a lease of more than one token: two limit calls, nothing else.
      const expected = [`evalsha project:${tenant.projectId}`, expect.stringMatching(/^evalsha key:/)];
      // Only when the cached key expired on a slow machine (5 s) is the address's failure count read.
      if (env.app.apiKeyCache.lookups > lookups) expected.unshift('evalsha auth-failures:127.0.0.1');
      expect(counters).toEqual(expected);
    } finally {
      monitor.disconnect();
    }
  });

  it('does not limit the public routes', async () => {
    for (let i = 0; i < 8; i++) {
      const response = await env.app.inject({ method: 'GET', url: '/healthz' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['ratelimit-limit']).toBeUndefined();
    }
  });
});

describe('leased tokens', () => {
  const windowMs = 60_000;
  /** Two replicas' limiters on one counter, each with its own leases. */
  function replicas(max: number, prefix: string) {
    const keyPrefix = `${env.config.REDIS_PREFIX}:rate-limit:${prefix}:`;
    return [env.deps.redis, replicaDeps.redis].map((redis) => new LeasedRateLimit({ redis, keyPrefix, max, windowMs }));
  }

  it('admits exactly the limit across replicas, asking Redis far less than once per request', async () => {
    const [a, b] = replicas(1000, 'exact');
    let admitted = 0;
    let refusedBoth = false;
    for (let i = 0; !refusedBoth; i++) {
      const [first, second] = await Promise.all([a!.take('p'), b!.take('p')]);
      admitted += Number(first.allowed) + Number(second.allowed);
      refusedBoth = !first.allowed && !second.allowed;
      expect(first.remaining).toBeGreaterThanOrEqual(0);
      expect(admitted).toBeLessThanOrEqual(1000);
    }
    expect(admitted).toBe(1000);
    // Leases of up to a sixteenth of what is left: well under one call per ten requests.
    expect(a!.calls + b!.calls).toBeLessThan(100);
    await Promise.all([a!.close(), b!.close()]);
  });

  it('admits exactly the limit to requests arriving together, however they share one lease call', async () => {
    const [a, b] = replicas(20, 'together');
    const together = (n: number) => Promise.all(Array.from({ length: n }, () => a!.take('p')));
    // Under the limit, every one of them goes through, also those whose lease another spent first.
    expect((await together(10)).every((o) => o.allowed)).toBe(true);
    expect((await together(30)).filter((o) => o.allowed)).toHaveLength(10);
    expect((await b!.take('p')).allowed).toBe(false);
    await Promise.all([a!.close(), b!.close()]);
  });

  it('gives unspent tokens back, so that another replica can spend them', async () => {
    const [a, b] = replicas(64, 'give-back');
    // Replica a spends 8 requests in leases of 1, 3, 3 and 3 tokens: it holds 2 unspent.
    for (let i = 0; i < 8; i++) expect((await a!.take('p')).allowed).toBe(true);
    const held = await env.deps.redis.hget(`${env.config.REDIS_PREFIX}:rate-limit:give-back:p`, 'count');
    expect(Number(held)).toBe(10);
    await a!.close();
    let admitted = 0;
    for (let i = 0; i < 100; i++) admitted += Number((await b!.take('p')).allowed);
    expect(admitted).toBe(64 - 8);
    await b!.close();
  });

  it('answers from a lease on the spot, and leaves to Redis what only Redis can answer', async () => {
    const [a, b] = replicas(64, 'local');
    // No lease yet: nothing is counted, and the request goes to Redis.
    expect(a!.takeLocally('p')).toBeUndefined();
    expect(a!.calls).toBe(0);
    // Leases of 1 and 3 tokens, spent: the lease ran out, and again only Redis can answer.
    for (let i = 0; i < 4; i++) expect((await a!.take('p')).allowed).toBe(true);
    expect(a!.takeLocally('p')).toBeUndefined();
    // A lease of 3: one spent by take, two on the spot, without another call.
    expect((await a!.take('p')).allowed).toBe(true);
    const calls = a!.calls;
    expect([a!.takeLocally('p'), a!.takeLocally('p')]).toEqual([
      expect.objectContaining({ allowed: true }),
      expect.objectContaining({ allowed: true, remaining: 64 - 7 }),
    ]);
    expect(a!.calls).toBe(calls);
    expect(a!.takeLocally('p')).toBeUndefined();
    // What was spent on the spot counts for every replica.
    let admitted = 0;
    for (let i = 0; i < 100; i++) admitted += Number((await b!.take('p')).allowed);
    expect(admitted).toBe(64 - 7);
    // Known to be spent: refused on the spot.
    expect(await a!.take('p')).toMatchObject({ allowed: false });
    expect(a!.takeLocally('p')).toMatchObject({ allowed: false, remaining: 0 });
    await Promise.all([a!.close(), b!.close()]);
  });

  it('lets requests through while Redis cannot answer', async () => {
    const redis = new Redis(env.config.REDIS_URL, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    const limiter = new LeasedRateLimit({
      redis,
      keyPrefix: `${env.config.REDIS_PREFIX}:rate-limit:down:`,
      max: 1,
      windowMs,
    });
    for (let i = 0; i < 3; i++) expect((await limiter.take('p')).allowed).toBe(true);
    await limiter.close();
    redis.disconnect();
  });
});

describe('failed authentication throttling', () => {
  it('answers 429 to an address after 3 failures, before any key lookup; other addresses go on', async () => {
    const address = '10.9.8.7';
    const unknownKey = { authorization: `Bearer ${issueApiKey().key}` };
    for (const auth of [{ authorization: 'Bearer nope' }, { authorization: 'Basic abc' }, unknownKey]) {
      const response = await list(auth, env.app, address);
      expect(response.statusCode).toBe(401);
    }
    const lookups = env.app.apiKeyCache.lookups;
    const throttled = await list(unknownKey, env.app, address);
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json()).toMatchObject({ code: 'rate_limited', limit: 3 });
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    expect(env.app.apiKeyCache.lookups).toBe(lookups);
    // The count lives in Redis: the other replica throttles the address too.
    expect((await list(unknownKey, replica, address)).statusCode).toBe(429);

    const elsewhere = await list(unknownKey, env.app, '10.9.8.8');
    expect(elsewhere.statusCode).toBe(401);
    expect(env.app.apiKeyCache.lookups).toBe(lookups + 1);
  });
});

describe('GET /metrics', () => {
  it('needs the METRICS_TOKEN and labels series with the project', async () => {
    const tenant = await createTenant(env);
    expect((await list(tenant.auth, env.app, '10.7.7.7')).statusCode).toBe(200);

    const anonymous = await env.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.7.7.1' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ code: 'unauthorized' });
    const wrong = await env.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${METRICS_TOKEN}x` },
      remoteAddress: '10.7.7.2',
    });
    expect(wrong.statusCode).toBe(401);

    const scraped = await env.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(scraped.statusCode).toBe(200);
    expect(scraped.body).toContain(
      `http_request_duration_seconds_count{project="${tenant.projectId}",method="GET",route="/v1/datasets",status_code="200"} 1`,
    );
    // The admin token's requests carry no project.
    expect(scraped.body).toMatch(
      /http_request_duration_seconds_count\{project="",method="POST",route="\/v1\/projects"/,
    );
  });
});
