import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';
import { fixture, getVersion, postDataset, startWorker, trainToSuccess, uploadCsv } from '../support/training.ts';

let env: TestEnv;
let admin: { authorization: string };

// No worker runs in this file: submitted jobs stay queued, and count as versions to come.
beforeAll(async () => {
  env = await createTestEnv();
  admin = { authorization: `Bearer ${env.adminToken}` };
});
afterAll(() => env?.close());

const setQuotas = (projectId: string, body: object, headers = admin) =>
  env.app.inject({ method: 'PUT', url: `/v1/admin/projects/${projectId}/quotas`, headers, payload: body });

const usageOf = async (tenant: TestTenant) => {
  const response = await env.app.inject({ method: 'GET', url: '/v1/project/usage', headers: tenant.auth });
  expect(response.statusCode).toBe(200);
  return response.json().quotas as Record<string, { limit: number | null; usage: number; resetsAt?: string }>;
};

const storedFiles = async (tenant: TestTenant) => env.deps.store.list(`datasets/${tenant.projectId}/`);

const submit = (tenant: TestTenant, datasetId: string, modelName: string) =>
  env.app.inject({
    method: 'POST',
    url: '/v1/training-jobs',
    headers: tenant.auth,
    payload: { datasetId, target: 'species', modelName, model: { type: 'logistic', epochs: 1 } },
  });

describe('setting quotas', () => {
  it('takes the admin token: a project key, even with the admin scope, cannot read or set them', async () => {
    const tenant = await createTenant(env, ['read', 'write', 'admin']);
    const byKey = await setQuotas(tenant.projectId, { datasets: 1000 }, tenant.auth);
    expect(byKey.statusCode).toBe(403);
    expect(byKey.json().code).toBe('forbidden');
    const read = await env.app.inject({
      method: 'GET',
      url: `/v1/admin/projects/${tenant.projectId}/quotas`,
      headers: tenant.auth,
    });
    expect(read.statusCode).toBe(403);
    expect((await usageOf(tenant)).datasets!.limit).toBeNull();
  });

  it('replaces the overrides, answers the limits in force, and refuses bad values', async () => {
    const tenant = await createTenant(env);
    const set = await setQuotas(tenant.projectId, { datasets: 3, models: 0, storedBytes: 5_000_000 });
    expect(set.statusCode).toBe(200);
    expect(set.json().overrides).toMatchObject({ datasets: 3, models: 0, storedBytes: 5_000_000, versions: null });
    // 0 is unlimited; unset quotas take the configured defaults (unlimited here).
    expect(set.json().limits).toMatchObject({ datasets: 3, models: null, storedBytes: 5_000_000, versions: null });
    const read = await env.app.inject({
      method: 'GET',
      url: `/v1/admin/projects/${tenant.projectId}/quotas`,
      headers: admin,
    });
    expect(read.json()).toEqual(set.json());

    for (const bad of [{ datasets: -1 }, { datasets: 1.5 }, { dataset: 3 }, { datasets: '3' }]) {
      const refused = await setQuotas(tenant.projectId, bad);
      expect(refused.statusCode, JSON.stringify(bad)).toBe(400);
      expect(refused.json().code).toBe('validation_failed');
    }
    expect((await setQuotas('00000000-0000-4000-8000-000000000000', { datasets: 1 })).statusCode).toBe(404);

    // A PUT replaces: what it leaves out goes back to the default.
    const replaced = await setQuotas(tenant.projectId, { versions: 7 });
    expect(replaced.json().overrides).toMatchObject({ datasets: null, storedBytes: null, versions: 7 });
    expect((await usageOf(tenant)).versions!.limit).toBe(7);
  });
});

describe('dataset quotas', () => {
  it('refuses a dataset past the count with 403 quota_exceeded, keeping nothing of it', async () => {
    const tenant = await createTenant(env);
    await setQuotas(tenant.projectId, { datasets: 1 });
    await uploadCsv(env, tenant, 'tabular/iris.csv', 'iris');
    const files = await storedFiles(tenant);

    const refused = await postDataset(
      env,
      tenant.auth,
      'iris',
      await readFile(fixture('tabular/iris.csv')),
      'text/csv',
    );
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ code: 'quota_exceeded', quota: 'datasets', limit: 1, usage: 1 });
    expect(refused.json().resetsAt).toBeUndefined();
    expect(await env.deps.db.dataset.count({ where: { projectId: tenant.projectId } })).toBe(1);
    expect(await storedFiles(tenant)).toEqual(files);
  });

  it('stops an upload at the stored-bytes quota, keeping neither a row nor a file', async () => {
    const tenant = await createTenant(env);
    const iris = await readFile(fixture('tabular/iris.csv'));
    // Room for iris once, and half of it again.
    await setQuotas(tenant.projectId, { storedBytes: Math.floor(iris.length * 1.5) });
    const first = await postDataset(env, tenant.auth, 'iris', iris, 'text/csv');
    expect(first.statusCode).toBe(201);

    const over = await postDataset(env, tenant.auth, 'iris', iris, 'text/csv');
    expect(over.statusCode).toBe(403);
    expect(over.json()).toMatchObject({
      code: 'quota_exceeded',
      quota: 'storedBytes',
      limit: Math.floor(iris.length * 1.5),
      usage: iris.length,
    });
    // The same through multipart, and for a ZIP, which is stored before it is read.
    const form = new FormData();
    form.append('name', 'iris');
    form.append('file', new Blob([iris]), 'iris.csv');
    const request = new Request('http://x', { method: 'POST', body: form });
    const multipart = await env.app.inject({
      method: 'POST',
      url: '/v1/datasets',
      headers: { ...tenant.auth, 'content-type': request.headers.get('content-type')! },
      payload: Buffer.from(await request.arrayBuffer()),
    });
    expect(multipart.statusCode).toBe(403);
    expect(multipart.json()).toMatchObject({ code: 'quota_exceeded', quota: 'storedBytes' });
    const zip = await postDataset(
      env,
      tenant.auth,
      'digits',
      await readFile(fixture('images/digits.zip')),
      'application/zip',
    );
    expect(zip.statusCode).toBe(403);
    expect(zip.json()).toMatchObject({ code: 'quota_exceeded', quota: 'storedBytes' });

    expect(await env.deps.db.dataset.count({ where: { projectId: tenant.projectId } })).toBe(1);
    expect(await storedFiles(tenant)).toEqual([`datasets/${tenant.projectId}/${first.json().id}.csv`]);
    // A small one still fits.
    expect((await postDataset(env, tenant.auth, 'tiny', 'a,b\n1,2\n3,4\n', 'text/csv')).statusCode).toBe(201);
  });

  it('refuses any upload at once when the quota is used up', async () => {
    const tenant = await createTenant(env);
    await uploadCsv(env, tenant, 'tabular/iris.csv', 'iris');
    const stored = (await usageOf(tenant)).storedBytes!.usage;
    await setQuotas(tenant.projectId, { storedBytes: stored });
    const refused = await postDataset(env, tenant.auth, 'tiny', 'a\n1\n', 'text/csv');
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ quota: 'storedBytes', limit: stored, usage: stored });
  });
});

describe('training quotas', () => {
  it('refuses a new model name past the models quota, and a job past the versions quota', async () => {
    const tenant = await createTenant(env);
    const dataset = await uploadCsv(env, tenant, 'tabular/iris.csv', 'iris');
    await setQuotas(tenant.projectId, { models: 1, versions: 2 });

    expect((await submit(tenant, dataset.id, 'first')).statusCode).toBe(202);
    const newName = await submit(tenant, dataset.id, 'second');
    expect(newName.statusCode).toBe(403);
    expect(newName.json()).toMatchObject({ code: 'quota_exceeded', quota: 'models', limit: 1, usage: 1 });

    // A queued job counts as the version it will make.
    expect((await submit(tenant, dataset.id, 'first')).statusCode).toBe(202);
    const third = await submit(tenant, dataset.id, 'first');
    expect(third.statusCode).toBe(403);
    expect(third.json()).toMatchObject({ code: 'quota_exceeded', quota: 'versions', limit: 2, usage: 2 });
    expect(await env.deps.db.trainingJob.count({ where: { projectId: tenant.projectId } })).toBe(2);
    expect(await env.deps.trainingQueue.getJobCountByTypes('prioritized', 'wait')).toBeGreaterThanOrEqual(2);
  });

  it('bounds a job by the training minutes left today, and refuses one when none are left (429)', async () => {
    const tenant = await createTenant(env);
    const dataset = await uploadCsv(env, tenant, 'tabular/iris.csv', 'iris');
    await setQuotas(tenant.projectId, { trainingMinutesPerDay: 2 });
    const bounded = await submit(tenant, dataset.id, 'timed');
    expect(bounded.statusCode).toBe(202);
    const row = await env.deps.db.trainingJob.findUniqueOrThrow({ where: { id: bounded.json().id } });
    expect(row.maxDurationMs).toBeGreaterThan(0);
    expect(row.maxDurationMs).toBeLessThanOrEqual(2 * 60_000);

    // Today's history: that job trained for three minutes before failing.
    const now = new Date();
    const start = new Date(
      Math.max(now.getTime() - 3 * 60_000, Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())),
    );
    await env.deps.db.trainingJob.update({
      where: { id: row.id },
      data: { status: 'failed', startedAt: start, finishedAt: now },
    });
    const refused = await submit(tenant, dataset.id, 'timed');
    expect(refused.statusCode).toBe(429);
    const problem = refused.json();
    expect(problem).toMatchObject({ code: 'quota_exceeded', quota: 'trainingMinutesPerDay', limit: 2 });
    expect(problem.usage).toBeGreaterThanOrEqual(2);
    const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
    expect(Date.parse(problem.resetsAt)).toBe(midnight);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(await env.deps.db.trainingJob.count({ where: { projectId: tenant.projectId } })).toBe(1);
    const usage = await usageOf(tenant);
    expect(usage.trainingMinutesPerDay).toMatchObject({ limit: 2, resetsAt: new Date(midnight).toISOString() });
    expect(usage.trainingMinutesPerDay!.usage).toBeCloseTo(problem.usage, 1);
  });
});

describe('the usage route', () => {
  it('shows every quota with its limit and what the project uses', async () => {
    const tenant = await createTenant(env);
    const iris = await uploadCsv(env, tenant, 'tabular/iris.csv', 'iris');
    const weather = await uploadCsv(env, tenant, 'datasets/seattle-weather.csv', 'weather');
    expect((await submit(tenant, iris.id, 'flowers')).statusCode).toBe(202);
    await setQuotas(tenant.projectId, { datasets: 10, predictionsPerMinute: 100, concurrentJobs: 2 });

    const usage = await usageOf(tenant);
    expect(Object.keys(usage).sort()).toEqual(
      [
        'concurrentJobs',
        'datasets',
        'models',
        'predictionsPerMinute',
        'storedBytes',
        'trainingMinutesPerDay',
        'versions',
      ].sort(),
    );
    const sizes = await env.deps.db.dataset.findMany({ where: { id: { in: [iris.id, weather.id] } } });
    expect(usage).toMatchObject({
      storedBytes: { limit: null, usage: sizes.reduce((sum, d) => sum + Number(d.sizeBytes), 0) },
      datasets: { limit: 10, usage: 2 },
      models: { limit: null, usage: 1 },
      versions: { limit: null, usage: 1 },
      concurrentJobs: { limit: 2, usage: 0 },
      trainingMinutesPerDay: { limit: null, usage: 0 },
      predictionsPerMinute: { limit: 100, usage: 0 },
    });
    // Another project's usage is its own.
    const other = await createTenant(env);
    expect((await usageOf(other)).datasets).toEqual({ limit: null, usage: 0 });
  });
});

describe('dataset lists', () => {
  it('carry column names and types (the first 100), not profiles', async () => {
    const tenant = await createTenant(env);
    const wide = `${Array.from({ length: 150 }, (_, i) => `c${i}`).join(',')}\n`;
    const rows = Array.from({ length: 40 }, (_, r) =>
      Array.from({ length: 150 }, (_, i) => `value-${r}-${i}`).join(','),
    ).join('\n');
    const created = await postDataset(env, tenant.auth, 'wide', `${wide}${rows}\n`, 'text/csv');
    expect(created.statusCode).toBe(201);
    await uploadCsv(env, tenant, 'tabular/iris.csv', 'iris');

    const listed = await env.app.inject({ method: 'GET', url: '/v1/datasets', headers: tenant.auth });
    const [iris, wideItem] = listed.json().items;
    expect(iris.columnCount).toBe(5);
    expect(iris.columns).toEqual([
      { name: 'sepal_length', type: 'number' },
      { name: 'sepal_width', type: 'number' },
      { name: 'petal_length', type: 'number' },
      { name: 'petal_width', type: 'number' },
      { name: 'species', type: 'categorical' },
    ]);
    expect(wideItem.columnCount).toBe(150);
    expect(wideItem.columns).toHaveLength(100);
    expect(wideItem.columns[99]).toEqual({ name: 'c99', type: created.json().columns[99].type });
    // The full profile comes from the item route.
    const item = await env.app.inject({ method: 'GET', url: `/v1/datasets/${wideItem.id}`, headers: tenant.auth });
    expect(item.json().columns).toHaveLength(150);
    const full = await env.app.inject({ method: 'GET', url: `/v1/datasets/${iris.id}`, headers: tenant.auth });
    expect(full.json().columns[4].topValues).toHaveLength(3);
    expect(iris.columns[4]).not.toHaveProperty('topValues');
  });
});

describe('stored bytes count model artifacts', () => {
  // Last in the file: its worker also runs the jobs earlier tests left queued.
  it('adds each version’s artifact to the usage, and refuses training once the bytes are used up', async () => {
    const tenant = await createTenant(env);
    const dataset = await uploadCsv(env, tenant, 'tabular/iris.csv', 'iris');
    const worker = startWorker(env);
    try {
      await trainToSuccess(env, tenant, {
        datasetId: dataset.id,
        target: 'species',
        modelName: 'sized',
        model: { type: 'logistic', epochs: 1 },
      });
    } finally {
      await worker.close();
    }
    const version = await getVersion(env, tenant, 'sized');
    const weights = await env.deps.store.read(`${version.artifact.key}/weights.bin`);
    const manifest = await env.deps.store.read(`${version.artifact.key}/model.json`);
    expect(version.artifact.bytes).toBe(weights.length + manifest.length);
    const datasetBytes = (
      await env.app.inject({ method: 'GET', url: `/v1/datasets/${dataset.id}`, headers: tenant.auth })
    ).json().sizeBytes as number;
    expect((await usageOf(tenant)).storedBytes!.usage).toBe(datasetBytes + version.artifact.bytes);

    await setQuotas(tenant.projectId, { storedBytes: datasetBytes + version.artifact.bytes });
    const refused = await submit(tenant, dataset.id, 'sized');
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({
      code: 'quota_exceeded',
      quota: 'storedBytes',
      usage: datasetBytes + version.artifact.bytes,
    });
    expect(await env.deps.db.trainingJob.count({ where: { projectId: tenant.projectId } })).toBe(1);
  });
});
