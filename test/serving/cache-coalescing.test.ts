/**
 * Cache refreshes under concurrency: when a cached API key or numbered version is missing or
 * expired, the requests that find it so at the same moment share one database query.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { PredictionService } from '../../src/serving/prediction-service.ts';
import { createTenantEnv, type TenantEnv } from '../support/test-env.ts';

let ctx: TenantEnv;

beforeAll(async () => {
  ctx = await createTenantEnv();
});

afterAll(async () => {
  await ctx?.close();
});

const CONCURRENT = 24;

describe('API key cache refresh', () => {
  it('looks a key up once for all the requests that find it missing together, once per expiry', async () => {
    const { env, tenant } = ctx;
    const listModels = () => env.app.inject({ method: 'GET', url: '/v1/models', headers: tenant.auth });
    for (let expiry = 0; expiry < 2; expiry++) {
      // What an expired entry looks like to the next requests: not in the cache.
      env.app.apiKeyCache.clear();
      const before = env.app.apiKeyCache.lookups;
      const replies = await Promise.all(Array.from({ length: CONCURRENT }, listModels));
      expect(replies.map((r) => r.statusCode)).toEqual(new Array(CONCURRENT).fill(200));
      expect(env.app.apiKeyCache.lookups - before).toBe(1);
    }
  });
});

describe('numbered version resolution', () => {
  it('runs one query for the concurrent requests of a version it has not resolved yet', async () => {
    const { env, tenant } = ctx;
    await env.deps.db.model.create({
      data: { projectId: tenant.projectId, name: 'versionless', task: 'classification' },
    });
    let queries = 0;
    // The real database, counting what the service asks it.
    const counted = env.deps.db.$extends({
      query: {
        async $allOperations({ args, query }) {
          queries += 1;
          return query(args);
        },
      },
    }) as unknown as Database;
    const service = new PredictionService(counted, env.deps.store, env.config);
    for (const name of ['versionless', 'no-such-model']) {
      queries = 0;
      const outcomes = await Promise.allSettled(
        Array.from({ length: CONCURRENT }, () => service.resolve(tenant.projectId, name, { version: 1 })),
      );
      expect(outcomes.every((o) => o.status === 'rejected' && (o.reason as Error).name === 'NotFoundError')).toBe(true);
      expect(queries).toBe(1);
    }
    // Failures are not kept: the next request asks again.
    queries = 0;
    await expect(service.resolve(tenant.projectId, 'versionless', { version: 1 })).rejects.toThrow();
    expect(queries).toBe(1);
  });
});
