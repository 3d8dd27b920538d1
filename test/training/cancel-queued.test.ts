import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';
import { uploadCsv } from '../support/training.ts';

let env: TestEnv;
let tenant: TestTenant;

// No worker runs in this file: submitted jobs stay queued.
beforeAll(async () => {
  env = await createTestEnv();
  tenant = await createTenant(env);
});
afterAll(() => env?.close());

describe('cancelling a queued job', () => {
  it('ends it at once, takes it off the queue, and leaves no version', async () => {
    const dataset = await uploadCsv(env, tenant, 'tabular/iris.csv', 'iris');
    const submitted = await env.app.inject({
      method: 'POST',
      url: '/v1/training-jobs',
      headers: tenant.auth,
      payload: { datasetId: dataset.id, target: 'species', modelName: 'iris', model: { type: 'logistic', epochs: 5 } },
    });
    expect(submitted.statusCode).toBe(202);
    const id = submitted.json().id as string;
    expect(await env.deps.trainingQueue.getJob(id)).toBeDefined();

    const cancelled = await env.app.inject({
      method: 'POST',
      url: `/v1/training-jobs/${id}/cancel`,
      headers: tenant.auth,
    });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', cancelRequested: true, result: null });
    expect(cancelled.json().finishedAt).not.toBeNull();
    expect(await env.deps.trainingQueue.getJob(id)).toBeUndefined();
    expect(await env.deps.db.modelVersion.count()).toBe(0);

    // Cancelling again is harmless; another project cannot see or cancel it.
    const again = await env.app.inject({ method: 'POST', url: `/v1/training-jobs/${id}/cancel`, headers: tenant.auth });
    expect(again.json().status).toBe('cancelled');
    const other = await createTenant(env);
    expect(
      (await env.app.inject({ method: 'POST', url: `/v1/training-jobs/${id}/cancel`, headers: other.auth })).statusCode,
    ).toBe(404);
  });

  it('lists jobs filtered by status', async () => {
    const listed = await env.app.inject({
      method: 'GET',
      url: '/v1/training-jobs?status=cancelled',
      headers: tenant.auth,
    });
    expect(listed.json().items.map((j: { status: string }) => j.status)).toEqual(['cancelled']);
    const none = await env.app.inject({ method: 'GET', url: '/v1/training-jobs?status=running', headers: tenant.auth });
    expect(none.json().items).toEqual([]);
  });
});
