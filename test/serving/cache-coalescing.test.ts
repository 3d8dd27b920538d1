/**
 * Cache refreshes under concurrency: when a cached API key, numbered version or alias
 * resolution is missing or expired, the requests that find it so at the same moment share one
 * database query.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import type { VersionRef } from '../../src/registry/model-registry.ts';
import { PredictionService } from '../../src/serving/prediction-service.ts';
import { unloadedVersionFields } from '../support/registry-rows.ts';
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

/** The real database, counting what the service asks it: through Prisma or its own SQL. */
function countingDatabase(db: Database) {
  const counter = { queries: 0 };
  const extended = db.$extends({
    query: {
      async $allOperations({ args, query }) {
        counter.queries += 1;
        return query(args);
      },
    },
  });
  const sql: Database['sql'] = {
    rows(text, values) {
      counter.queries += 1;
      return db.sql.rows(text, values);
    },
    open: (connections) => db.sql.open(connections),
    opened: () => db.sql.opened(),
  };
  const counted = Object.assign(extended, { sql }) as unknown as Database;
  return { counted, counter };
}

describe('numbered version resolution', () => {
  it('runs one query for the concurrent requests of a version it has not resolved yet', async () => {
    const { env, tenant } = ctx;
    await env.deps.db.model.create({
      data: { projectId: tenant.projectId, name: 'versionless', task: 'classification' },
    });
    const { counted, counter } = countingDatabase(env.deps.db);
    const service = new PredictionService(counted, env.deps.store, env.config);
    for (const name of ['versionless', 'no-such-model']) {
      counter.queries = 0;
      const outcomes = await Promise.allSettled(
        Array.from({ length: CONCURRENT }, () => service.resolve(tenant.projectId, name, { version: 1 })),
      );
      expect(outcomes.every((o) => o.status === 'rejected' && (o.reason as Error).name === 'NotFoundError')).toBe(true);
      expect(counter.queries).toBe(1);
    }
    // Failures are not kept: the next request asks again.
    counter.queries = 0;
    await expect(service.resolve(tenant.projectId, 'versionless', { version: 1 })).rejects.toThrow();
    expect(counter.queries).toBe(1);
  });
});

describe('alias resolution', () => {
  it('runs one query for the concurrent requests by an alias, once per expiry, and for the default version', async () => {
    const { env, tenant } = ctx;
    const { db } = env.deps;
    const model = await db.model.create({
      data: { projectId: tenant.projectId, name: 'aliased', task: 'classification', latestVersion: 2 },
    });
    // Rows only: resolving reads the registry, not the artifacts.
    const versions = [];
    for (const version of [1, 2])
      versions.push(
        await db.modelVersion.create({
          data: {
            modelId: model.id,
            version,
            origin: 'imported',
            modelType: 'mlp',
            task: 'classification',
            artifactKey: `models/${tenant.projectId}/aliased-${version}`,
            artifactSha256: 'not read',
            ...unloadedVersionFields,
          },
        }),
      );
    await db.modelAlias.create({ data: { modelId: model.id, alias: 'staging', versionId: versions[0]!.id } });
    const { counted, counter } = countingDatabase(db);
    const service = new PredictionService(counted, env.deps.store, env.config);
    // Resolutions are kept only while route-change notices reach the process, as a running API's do.
    service.routes.setLive(true);
    const together = (ref: VersionRef) =>
      Promise.all(Array.from({ length: CONCURRENT }, () => service.resolve(tenant.projectId, 'aliased', ref)));
    for (let expiry = 0; expiry < 2; expiry++) {
      // What an expired resolution looks like to the next requests: not in the cache.
      service.routes.clear();
      counter.queries = 0;
      const staging = await together({ alias: 'staging' });
      expect(staging.map((r) => r.version)).toEqual(new Array(CONCURRENT).fill(1));
      // The bare model path: no `production` alias, so the newest version.
      const newest = await together({ latest: true });
      expect(newest.map((r) => r.version)).toEqual(new Array(CONCURRENT).fill(2));
      expect(counter.queries).toBe(2);
    }
    // Once resolved, no query at all until the next expiry.
    counter.queries = 0;
    await together({ alias: 'staging' });
    expect(counter.queries).toBe(0);
  });
});
