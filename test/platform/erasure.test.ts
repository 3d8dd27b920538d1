import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eraseProject, requestProjectErasure } from '../../src/erasure/project-erasure.ts';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';
import { startWorker, trainToSuccess, uploadFixture } from '../support/training.ts';

let env: TestEnv;
let worker: Worker | undefined;
let admin: { authorization: string };

const setosa = { instances: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }] };
const train = (datasetId: string, modelName: string, seed: number) => ({
  datasetId,
  target: 'species',
  modelName,
  model: { type: 'logistic', epochs: 3, learningRate: 0.1, seed },
});

beforeAll(async () => {
  env = await createTestEnv();
  admin = { authorization: `Bearer ${env.adminToken}` };
  worker = startWorker(env, { maintenanceEveryMs: 0 });
});
afterAll(async () => {
  await worker?.close();
  await env?.close();
});

const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, auth: Record<string, string>, payload?: object) =>
  env.app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });

/** Every Redis key under the deployment's prefix. */
async function redisKeys(): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await env.deps.redis.scan(cursor, 'MATCH', `${env.config.REDIS_PREFIX}:*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

/** What PostgreSQL still holds of a project, table by table. */
async function rowsOf(projectId: string, jobIds: string[]) {
  const db = env.deps.db;
  return {
    project: await db.project.count({ where: { id: projectId } }),
    apiKeys: await db.apiKey.count({ where: { projectId } }),
    datasets: await db.dataset.count({ where: { projectId } }),
    trainingJobs: await db.trainingJob.count({ where: { OR: [{ projectId }, { id: { in: jobIds } }] } }),
    models: await db.model.count({ where: { projectId } }),
    versions: await db.modelVersion.count({ where: { model: { projectId } } }),
    versionsOfJobs: await db.modelVersion.count({ where: { trainingJobId: { in: jobIds } } }),
    aliases: await db.modelAlias.count({ where: { model: { projectId } } }),
    aliasEvents: await db.aliasEvent.count({ where: { model: { projectId } } }),
    idempotencyKeys: await db.idempotencyKey.count({ where: { projectId } }),
  };
}
const nothing = {
  project: 0,
  apiKeys: 0,
  datasets: 0,
  trainingJobs: 0,
  models: 0,
  versions: 0,
  versionsOfJobs: 0,
  aliases: 0,
  aliasEvents: 0,
  idempotencyKeys: 0,
};

async function waitForErasure(projectId: string) {
  for (;;) {
    const status = await call('GET', `/v1/admin/projects/${projectId}/erasure`, admin);
    expect(status.statusCode).toBe(200);
    if (status.json().status === 'completed') return status.json();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('deleting versions and models', () => {
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await createTenant(env, ['read', 'write', 'predict', 'admin']);
    const dataset = await uploadFixture(env, tenant, 'tabular/iris.csv', 'iris');
    await trainToSuccess(env, tenant, train(dataset.id, 'iris', 1));
    await trainToSuccess(env, tenant, train(dataset.id, 'iris', 2));
  });

  it('refuses to delete a version an alias points at, unless forced; then it answers 404 at once', async () => {
    expect((await call('PUT', '/v1/models/iris/aliases/production', tenant.auth, { version: 1 })).statusCode).toBe(200);
    const v1 = await env.deps.db.modelVersion.findFirstOrThrow({
      where: { model: { projectId: tenant.projectId }, version: 1 },
    });
    // Loaded in this process's caches before the delete.
    expect((await call('POST', '/v1/models/iris/versions/1:predict', tenant.auth, setosa)).statusCode).toBe(200);
    expect((await call('POST', '/v1/models/iris:predict', tenant.auth, setosa)).statusCode).toBe(200);

    const refused = await call('DELETE', '/v1/models/iris/versions/1', tenant.auth);
    expect(refused.statusCode).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json().code).toBe('version_aliased');
    expect(await env.deps.store.exists(`${v1.artifactKey}/model.json`)).toBe(true);
    expect((await call('POST', '/v1/models/iris/versions/1:predict', tenant.auth, setosa)).statusCode).toBe(200);

    const forced = await call('DELETE', '/v1/models/iris/versions/1?force=true', tenant.auth);
    expect(forced.statusCode).toBe(200);
    expect(forced.json()).toEqual({ model: 'iris', versions: [1], removedAliases: ['production'] });

    const byNumber = await call('POST', '/v1/models/iris/versions/1:predict', tenant.auth, setosa);
    expect(byNumber.statusCode).toBe(404);
    expect((await call('GET', '/v1/models/iris/versions/1', tenant.auth)).statusCode).toBe(404);
    // The default now falls to the newest version left, 2.
    const byDefault = await call('POST', '/v1/models/iris:predict', tenant.auth, setosa);
    expect(byDefault.statusCode).toBe(200);
    expect(byDefault.json().model).toEqual({ name: 'iris', version: 2 });
    expect((await call('POST', '/v1/models/iris/versions/2:predict', tenant.auth, setosa)).statusCode).toBe(200);
    expect(await env.deps.store.list(v1.artifactKey)).toEqual([]);

    const history = await call('GET', '/v1/models/iris/aliases/production/history', tenant.auth);
    expect(history.json().items[0]).toMatchObject({ fromVersion: 1, toVersion: null });

    const audit = (await call('GET', '/v1/audit-events?action=models.versions.delete', tenant.auth)).json().items;
    expect(
      audit.map((e: { statusCode: number; outcome: string; resourceId: string }) => [
        e.statusCode,
        e.outcome,
        e.resourceId,
      ]),
    ).toEqual([
      [200, 'success', 'iris/1'],
      [409, 'failure', 'iris/1'],
    ]);
    const registered = (await call('GET', '/v1/audit-events?action=models.versions.register', tenant.auth)).json();
    expect(
      registered.items.map((e: { resourceId: string; actor: { type: string } }) => [e.resourceId, e.actor.type]),
    ).toEqual([
      ['iris/2', 'system'],
      ['iris/1', 'system'],
    ]);
    const aliasMoves = (await call('GET', '/v1/audit-events?action=models.aliases.update', tenant.auth)).json().items;
    expect(aliasMoves[0]).toMatchObject({ resourceId: 'iris/production', outcome: 'success', statusCode: 200 });
  });

  it('deletes a model with its versions, aliases and artifacts', async () => {
    expect((await call('PUT', '/v1/models/iris/aliases/staging', tenant.auth, { version: 2 })).statusCode).toBe(200);
    const v2 = await env.deps.db.modelVersion.findFirstOrThrow({
      where: { model: { projectId: tenant.projectId }, version: 2 },
    });
    const refused = await call('DELETE', '/v1/models/iris', tenant.auth);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('version_aliased');

    const deleted = await call('DELETE', '/v1/models/iris?force=true', tenant.auth);
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toEqual({ model: 'iris', versions: [2], removedAliases: ['staging'] });
    expect((await call('GET', '/v1/models/iris', tenant.auth)).statusCode).toBe(404);
    expect((await call('POST', '/v1/models/iris/versions/2:predict', tenant.auth, setosa)).statusCode).toBe(404);
    expect((await call('POST', '/v1/models/iris:predict', tenant.auth, setosa)).statusCode).toBe(404);
    expect(await env.deps.store.list(v2.artifactKey)).toEqual([]);
    expect((await call('DELETE', '/v1/models/iris', tenant.auth)).statusCode).toBe(404);
    // The jobs keep their history; their dataset can now be deleted.
    expect(await env.deps.db.trainingJob.count({ where: { projectId: tenant.projectId } })).toBe(2);
  });
});

describe('erasing a project', () => {
  let doomed: TestTenant;
  let kept: TestTenant;
  let doomedJobs: string[];
  let keptDataset: string;

  beforeAll(async () => {
    doomed = await createTenant(env, ['read', 'write', 'predict', 'admin']);
    kept = await createTenant(env, ['read', 'write', 'predict', 'admin']);
    for (const tenant of [doomed, kept]) {
      const dataset = await uploadFixture(env, tenant, 'tabular/iris.csv', 'iris');
      if (tenant === kept) keptDataset = dataset.id;
      await trainToSuccess(env, tenant, train(dataset.id, 'iris', 3));
      expect((await call('PUT', '/v1/models/iris/aliases/production', tenant.auth, { version: 1 })).statusCode).toBe(
        200,
      );
      // Another feature's per-project key (rate limits, say) under the deployment's prefix.
      await env.deps.redis.set(`${env.config.REDIS_PREFIX}:limits:${tenant.projectId}`, '1');
    }
    // A job still queued (no worker now) with an idempotency record, and a finished job's
    // queue entry: both must leave Redis.
    await worker!.close();
    worker = undefined;
    const datasetId = (await env.deps.db.dataset.findFirstOrThrow({ where: { projectId: doomed.projectId } })).id;
    const queued = await env.app.inject({
      method: 'POST',
      url: '/v1/training-jobs',
      headers: { ...doomed.auth, 'idempotency-key': 'erase-me' },
      payload: train(datasetId, 'queued', 4),
    });
    expect(queued.statusCode).toBe(202);
    doomedJobs = (await env.deps.db.trainingJob.findMany({ where: { projectId: doomed.projectId } })).map((j) => j.id);
    expect(doomedJobs).toHaveLength(2);
    expect(await env.deps.trainingQueue.getJob(queued.json().id)).toBeDefined();
    expect(await env.deps.db.idempotencyKey.count({ where: { projectId: doomed.projectId } })).toBe(1);
  });

  it('refuses the project at once and leaves nothing of it in the store, Redis or PostgreSQL', async () => {
    const store = env.deps.store;
    expect((await store.list('')).some((key) => key.includes(doomed.projectId))).toBe(true);

    const erased = await call('DELETE', `/v1/admin/projects/${doomed.projectId}`, admin);
    expect(erased.statusCode).toBe(202);
    expect(erased.headers.location).toBe(`/v1/admin/projects/${doomed.projectId}/erasure`);
    expect(erased.json()).toMatchObject({ projectId: doomed.projectId, status: expect.any(String) });
    // Refused from the answer on: the key, and the operator's routes for the project.
    expect((await call('GET', '/v1/datasets', doomed.auth)).statusCode).toBe(401);
    expect((await call('POST', '/v1/models/iris:predict', doomed.auth, setosa)).statusCode).toBe(401);
    expect((await call('POST', `/v1/projects/${doomed.projectId}/api-keys`, admin, { name: 'late' })).statusCode).toBe(
      404,
    );

    const done = await waitForErasure(doomed.projectId);
    expect(done).toMatchObject({ status: 'completed', finishedAt: expect.any(String) });

    expect((await store.list('')).filter((key) => key.includes(doomed.projectId))).toEqual([]);
    const keys = await redisKeys();
    expect(keys.filter((key) => [doomed.projectId, ...doomedJobs].some((id) => key.includes(id)))).toEqual([]);
    for (const id of doomedJobs) expect(await env.deps.trainingQueue.getJob(id)).toBeUndefined();
    expect(await rowsOf(doomed.projectId, doomedJobs)).toEqual(nothing);
    // The trail of the erasure itself stays.
    const trail = (await call('GET', `/v1/audit-events?projectId=${doomed.projectId}`, admin)).json().items;
    expect(trail[0]).toMatchObject({ action: 'projects.erasure.completed', actor: { type: 'system', keyId: null } });
    expect(trail.some((e: { action: string }) => e.action === 'admin.projects.delete')).toBe(true);
    expect((await call('DELETE', `/v1/admin/projects/${doomed.projectId}`, admin)).json().status).toBe('completed');

    // The other tenant is untouched.
    expect((await store.list('')).filter((key) => key.includes(kept.projectId)).length).toBeGreaterThan(0);
    expect(keys).toContain(`${env.config.REDIS_PREFIX}:limits:${kept.projectId}`);
    expect((await call('GET', `/v1/datasets/${keptDataset}`, kept.auth)).statusCode).toBe(200);
    expect((await call('POST', '/v1/models/iris:predict', kept.auth, setosa)).statusCode).toBe(200);
    const keptRows = await rowsOf(kept.projectId, []);
    expect(keptRows).toMatchObject({ project: 1, apiKeys: 1, datasets: 1, trainingJobs: 1, versions: 1, aliases: 1 });
  });

  it('resumes an interrupted erasure and finishes it once, however often it runs', async () => {
    const tenant = await createTenant(env, ['read', 'write', 'predict', 'admin']);
    const dataset = await uploadFixture(env, tenant, 'tabular/iris.csv', 'iris');
    const submitted = await call('POST', '/v1/training-jobs', tenant.auth, train(dataset.id, 'iris', 5));
    expect(submitted.statusCode).toBe(202);
    // A pass killed after its first steps: marked, queue entries and files already gone, rows left.
    await requestProjectErasure(env.deps.db, tenant.projectId);
    await (await env.deps.trainingQueue.getJob(submitted.json().id))!.remove();
    await env.deps.store.deletePrefix(`datasets/${tenant.projectId}`);
    expect(await env.deps.db.dataset.count({ where: { projectId: tenant.projectId } })).toBe(1);
    expect((await call('GET', `/v1/admin/projects/${tenant.projectId}/erasure`, admin)).json().status).toBe(
      'in_progress',
    );

    // A worker starting up resumes it in its maintenance round.
    worker = startWorker(env, { maintenanceEveryMs: 0 });
    const done = await waitForErasure(tenant.projectId);
    expect(done.attempts).toBe(1);
    expect(await rowsOf(tenant.projectId, [submitted.json().id])).toEqual(nothing);
    expect((await env.deps.store.list('')).filter((key) => key.includes(tenant.projectId))).toEqual([]);

    // Running it again finds it finished and changes nothing.
    const resources = {
      db: env.deps.db,
      store: env.deps.store,
      trainingQueue: env.deps.trainingQueue,
      redisPrefix: env.config.REDIS_PREFIX,
      logger: env.deps.logger,
    };
    expect(await eraseProject(resources, tenant.projectId)).toEqual({ status: 'completed', versionIds: [] });
    const completions = await env.deps.db.auditEvent.count({
      where: { projectId: tenant.projectId, action: 'projects.erasure.completed' },
    });
    expect(completions).toBe(1);
    expect((await call('DELETE', `/v1/admin/projects/${crypto.randomUUID()}`, admin)).statusCode).toBe(404);
  });
});
