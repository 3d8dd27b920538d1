import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';
import { fixture, uploadCsv } from '../support/training.ts';

let env: TestEnv;
let tenant: TestTenant;
let dataset: { id: string };

beforeAll(async () => {
  env = await createTestEnv({ IDEMPOTENCY_TTL_SECONDS: '2' });
  tenant = await createTenant(env);
  dataset = await uploadCsv(env, tenant, 'tabular/iris.csv', 'iris');
});
afterAll(async () => env?.close());

const submit = (key: string | undefined, payload: object) =>
  env.app.inject({
    method: 'POST',
    url: '/v1/training-jobs',
    headers: { ...tenant.auth, ...(key ? { 'idempotency-key': key } : {}) },
    payload,
  });
const body = (modelName = 'idem') => ({
  datasetId: dataset.id,
  target: 'species',
  modelName,
  model: { type: 'logistic', epochs: 3 },
});
const upload = (key: string, csv: Buffer | string, name = 'idem-upload') =>
  env.app.inject({
    method: 'POST',
    url: `/v1/datasets?name=${name}`,
    headers: { ...tenant.auth, 'content-type': 'text/csv', 'idempotency-key': key },
    payload: csv,
  });

describe('Idempotency-Key on POST /v1/training-jobs', () => {
  it('parallel duplicates create one job and all get the first answer', async () => {
    const responses = await Promise.all(Array.from({ length: 6 }, () => submit('parallel-1', body())));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(6).fill(202));
    const ids = new Set(responses.map((r) => r.json().id));
    expect(ids.size).toBe(1);
    expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(5);
    expect(responses.every((r) => r.headers.location === `/v1/training-jobs/${[...ids][0]}`)).toBe(true);
    expect(await env.deps.db.trainingJob.count({ where: { modelName: 'idem' } })).toBe(1);
    expect(await env.deps.trainingQueue.getJobCountByTypes('waiting', 'prioritized', 'active', 'delayed')).toBe(1);
  });

  it('the same key with a different request is 422 and changes nothing', async () => {
    const before = await env.deps.db.trainingJob.count();
    const response = await submit('parallel-1', body('other'));
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().code).toBe('idempotency_key_reused');
    expect(await env.deps.db.trainingJob.count()).toBe(before);
  });

  it('a failed request releases its key; an expired key is forgotten', async () => {
    const failed = await submit('fix-and-retry', { ...body(), datasetId: '00000000-0000-4000-8000-000000000000' });
    expect(failed.statusCode).toBe(422);
    const retried = await submit('fix-and-retry', body('retried'));
    expect(retried.statusCode).toBe(202);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();

    // The file's TTL is 2 s.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const again = await submit('fix-and-retry', body('retried'));
    expect(again.statusCode).toBe(202);
    expect(again.json().id).not.toBe(retried.json().id);
  });

  it('refuses a malformed key', async () => {
    expect((await submit('x'.repeat(300), body())).statusCode).toBe(400);
  });
});

describe('Idempotency-Key on POST /v1/datasets', () => {
  it('parallel duplicate uploads leave one dataset and answer with it', async () => {
    const csv = await readFile(fixture('tabular/iris.csv'));
    const responses = await Promise.all(Array.from({ length: 3 }, () => upload('upload-1', csv)));
    expect(responses.map((r) => r.statusCode)).toEqual([201, 201, 201]);
    expect(new Set(responses.map((r) => r.json().id)).size).toBe(1);
    expect(await env.deps.db.dataset.count({ where: { name: 'idem-upload' } })).toBe(1);
    const files = await env.deps.store.list(`datasets/${tenant.projectId}`);
    expect(files.filter((key) => key.includes(responses[0]!.json().id))).toHaveLength(1);
    expect(files).toHaveLength(2); // iris from beforeAll and this one
  });

  it('the same key with different bytes is 422 and keeps nothing of the second upload', async () => {
    const response = await upload('upload-1', 'a,b\n1,2\n3,4\n');
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('idempotency_key_reused');
    expect(await env.deps.db.dataset.count({ where: { name: 'idem-upload' } })).toBe(1);
    expect(await env.deps.store.list(`datasets/${tenant.projectId}`)).toHaveLength(2);
    const otherName = await upload('upload-1', await readFile(fixture('tabular/iris.csv')), 'renamed');
    expect(otherName.statusCode).toBe(422);
  });
});
