import { once } from 'node:events';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { createDeps, type Deps } from '../../src/deps.ts';
import type { RouteChange } from '../../src/registry/route-changes.ts';
import { createTenant } from '../support/test-env.ts';
import { startWorker, trainToSuccess } from '../support/training.ts';
import { irisModel, setupServing, type ServingSetup } from './serving-setup.ts';

/**
 * Two API instances over one PostgreSQL and one Redis, each with its own connections and route
 * cache (as two replicas): what one changes, the other serves at its next request, and once
 * warm an alias costs the other no database query.
 */
let setup: ServingSetup;
let deps2: Deps;
let app2: FastifyInstance;

beforeAll(async () => {
  setup = await setupServing([{ ...irisModel, versions: 2 }]);
  deps2 = await createDeps(setup.env.config);
  app2 = await buildApp(deps2, { logger: false });
  await app2.ready();
  await Promise.all([setup.env.deps.routeChangeListener.whenLive(), deps2.routeChangeListener.whenLive()]);
}, 300_000);
afterAll(async () => {
  await app2?.close();
  await deps2?.close();
  await setup?.close();
});

const iris = { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 };
const api1 = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  setup.env.app.inject({ method, url, headers: setup.tenant.auth, payload });

/** Predicts through API 2; answers the version that served. */
async function servedBy2(path = 'labels/production', auth = setup.tenant.auth) {
  const answer = await app2.inject({
    method: 'POST',
    url: `/v1/models/iris${path === '' ? '' : `/${path}`}:predict`,
    headers: auth,
    payload: { instances: [iris] },
  });
  expect(answer.statusCode, answer.body).toBe(200);
  return answer.json() as { model: { version: number }; predictionIds?: string[] };
}

/**
 * Runs a change through API 1 and waits until API 2 applied its notice. API 1 answers only
 * after the publish, and Redis delivers to subscribers before it answers the publisher, so the
 * notice is on its way before the answer; its handling in API 2 is what the wait is for.
 */
async function throughApi1(method: 'PUT' | 'DELETE', url: string, payload?: object) {
  const applied = once(deps2.routeChangeListener, 'applied') as Promise<[RouteChange]>;
  const answer = await api1(method, url, payload);
  expect(answer.statusCode, answer.body).toBe(200);
  const [change] = await applied;
  expect(change).toMatchObject({ projectId: setup.tenant.projectId, model: 'iris' });
}

describe('alias and default resolutions cached per API process, kept exact by notices', () => {
  it('serves every alias move, split, removal and logging change made through the other instance at its next request', async () => {
    await throughApi1('PUT', '/v1/models/iris/aliases/production', { version: 1 });
    expect((await servedBy2()).model.version).toBe(1);
    for (const version of [2, 1, 2]) {
      const reads = deps2.predictions.routes.reads;
      // Warm: served from the cache, no read.
      await servedBy2();
      expect(deps2.predictions.routes.reads).toBe(reads);
      await throughApi1('PUT', '/v1/models/iris/aliases/production', { version });
      expect((await servedBy2()).model.version).toBe(version);
      // The notice cost exactly one read again.
      expect(deps2.predictions.routes.reads).toBe(reads + 1);
    }
    // A split's weights move too: everything to version 1.
    await throughApi1('PUT', '/v1/models/iris/aliases/production', {
      versions: [
        { version: 1, weight: 1 },
        { version: 2, weight: 0 },
      ],
    });
    for (let i = 0; i < 3; i++) expect((await servedBy2()).model.version).toBe(1);
    // The logging rate is part of the resolution: answers carry prediction ids from the next request.
    expect((await servedBy2()).predictionIds).toBeUndefined();
    await throughApi1('PUT', '/v1/models/iris/logging', { sampleRate: 1 });
    expect((await servedBy2()).predictionIds).toHaveLength(1);
    await throughApi1('PUT', '/v1/models/iris/logging', { sampleRate: 0 });
    // Without `production`, the default path serves the newest version; with it, the alias's.
    expect((await servedBy2('')).model.version).toBe(1);
    await throughApi1('DELETE', '/v1/models/iris/aliases/production');
    expect((await servedBy2('')).model.version).toBe(2);
    const gone = await app2.inject({
      method: 'POST',
      url: '/v1/models/iris/labels/production:predict',
      headers: setup.tenant.auth,
      payload: { instances: [iris] },
    });
    expect(gone.statusCode).toBe(404);
    await throughApi1('PUT', '/v1/models/iris/aliases/production', { version: 2 });
  });

  it("keeps each project's resolutions apart: another project's same model name is not found", async () => {
    expect((await servedBy2()).model.version).toBe(2);
    const other = await createTenant(setup.env);
    for (const path of ['labels/production', '']) {
      const answer = await app2.inject({
        method: 'POST',
        url: `/v1/models/iris${path === '' ? '' : `/${path}`}:predict`,
        headers: other.auth,
        payload: { instances: [iris] },
      });
      expect(answer.statusCode, answer.body).toBe(404);
    }
  });

  it('costs no database query per alias prediction once warm', async () => {
    await servedBy2();
    await servedBy2('');
    const statements: string[] = [];
    const query = vi.spyOn(pg.Client.prototype, 'query');
    const registry = () =>
      query.mock.calls
        .map(([config]) => (typeof config === 'string' ? config : ((config as { text?: string }).text ?? '')))
        .filter((text) => /"Model(Alias|Version)?"/.test(text));
    try {
      for (let i = 0; i < 20; i++) {
        await servedBy2();
        await servedBy2('');
      }
      statements.push(...registry());
      expect(statements).toEqual([]);
      // The counter does see the resolver's query: after a notice, one read again.
      deps2.predictions.routeChanged({ projectId: setup.tenant.projectId, model: 'iris' });
      await servedBy2();
      expect(registry().length).toBe(1);
    } finally {
      query.mockRestore();
    }
  });

  it('drops the whole cache when its subscriber connection is lost, so a missed notice is read again', async () => {
    expect((await servedBy2()).model.version).toBe(2);
    const listener = deps2.routeChangeListener;
    expect(deps2.predictions.routes.size).toBeGreaterThan(0);
    // A move that announces nothing (a notice lost): API 2 still serves its cached version.
    await setup.env.deps.db.$executeRaw`
      UPDATE "ModelAlias" a SET "versionId" = v.id FROM "Model" m, "ModelVersion" v
      WHERE a."modelId" = m.id AND v."modelId" = m.id AND m."projectId" = ${setup.tenant.projectId}
        AND m.name = 'iris' AND a.alias = 'production' AND v.version = 1`;
    expect((await servedBy2()).model.version).toBe(2);
    // The connection is cut from the server's side, as a network failure would.
    const dropped = once(listener, 'dropped');
    const clientId = listener.clientId;
    expect(clientId).toBeDefined();
    await setup.env.deps.redis.client('KILL', 'ID', String(clientId));
    await dropped;
    expect(deps2.predictions.routes.size).toBe(0);
    expect((await servedBy2()).model.version).toBe(1);
    // Subscribed again, the cache fills again.
    await listener.whenLive();
    await servedBy2();
    expect(deps2.predictions.routes.size).toBeGreaterThan(0);
    expect(listener.clientId).not.toBe(clientId);
  });

  it('serves a version a worker registers as the default from the next request after its notice', async () => {
    await throughApi1('DELETE', '/v1/models/iris/aliases/production');
    expect((await servedBy2('')).model.version).toBe(2);
    const dataset = await setup.env.deps.db.dataset.findFirstOrThrow({ where: { projectId: setup.tenant.projectId } });
    const worker = startWorker(setup.env);
    try {
      // Announced by the training process once the version is registered.
      const applied = once(deps2.routeChangeListener, 'applied') as Promise<[RouteChange]>;
      await trainToSuccess(setup.env, setup.tenant, {
        datasetId: dataset.id,
        target: 'species',
        modelName: 'iris',
        model: { type: 'logistic', epochs: 5, learningRate: 0.1, seed: 3 },
      });
      expect((await applied)[0]).toEqual({ projectId: setup.tenant.projectId, model: 'iris' });
    } finally {
      await worker.close();
    }
    expect((await servedBy2('')).model.version).toBe(3);
  });
});
