import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';
import { startWorker, uploadCsv, waitForJob } from '../support/training.ts';

let env: TestEnv;
let worker: Worker;
let tenant: TestTenant;
let dataset: { id: string };
let jobId: string;

beforeAll(async () => {
  env = await createTestEnv();
  worker = startWorker(env);
  tenant = await createTenant(env);
  dataset = await uploadCsv(env, tenant, 'tabular/iris.csv', 'iris');
});
afterAll(async () => {
  await worker?.close();
  await env?.close();
});

const post = (url: string, payload: unknown, auth = tenant.auth) =>
  env.app.inject({ method: 'POST', url, headers: auth, payload: payload as object });
const get = (url: string, auth = tenant.auth) => env.app.inject({ method: 'GET', url, headers: auth });

describe('the core loop: upload, train, evaluate, promote, predict', () => {
  it('trains a logistic regression on Iris through a real worker and records an honest evaluation', async () => {
    const submitted = await post('/v1/training-jobs', {
      datasetId: dataset.id,
      target: 'species',
      modelName: 'iris',
      model: { type: 'logistic', epochs: 60, learningRate: 0.05, seed: 7 },
    });
    expect(submitted.statusCode).toBe(202);
    expect(submitted.json()).toMatchObject({ status: 'queued', task: 'classification' });
    jobId = submitted.json().id;

    const job = await waitForJob(env, tenant, jobId);
    expect(job.error).toBeNull();
    expect(job.status).toBe('succeeded');
    expect(job.result).toEqual({ model: 'iris', version: 1 });
    expect(job.progress.epochs.length).toBeGreaterThan(0);
    expect(job.progress.epochs[0]).toMatchObject({ epoch: 1, loss: expect.any(Number) });
    expect(job.metrics.accuracy).toBeGreaterThan(0.85);
    expect(job.attempts).toBe(1);
  });

  it('registers the version with lineage, schemas, metrics and backend', async () => {
    const response = await get('/v1/models/iris/versions/1');
    expect(response.statusCode).toBe(200);
    const version = response.json();
    expect(version).toMatchObject({
      model: 'iris',
      version: 1,
      task: 'classification',
      modelType: 'logistic',
      lineage: { datasetId: dataset.id, datasetName: 'iris', datasetVersion: 1, trainingJobId: jobId },
    });
    expect(version.artifact.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(version.metrics).toMatchObject({
      accuracy: expect.any(Number),
      macro: expect.anything(),
      confusionMatrix: expect.anything(),
    });
    expect(version.backend).toEqual(expect.any(String));
    // The same path is TensorFlow Serving's version status: the answer carries both.
    expect(version.model_version_status).toEqual([
      { version: '1', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
    ]);
    const models = await get('/v1/models');
    expect(models.json().items.map((m: { name: string }) => m.name)).toEqual(['iris']);
  });

  it('predicts labels in their original values from objects and from arrays', async () => {
    const byName = await post('/v1/models/iris/versions/1:predict', {
      instances: [
        { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 },
        { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 },
      ],
    });
    expect(byName.statusCode).toBe(200);
    const { predictions, model } = byName.json();
    expect(model).toEqual({ name: 'iris', version: 1 });
    expect(predictions[0].label).toBe('setosa');
    expect(predictions[1].label).toBe('virginica');
    expect(Object.values(predictions[0].probabilities).reduce((a: number, b) => a + (b as number), 0)).toBeCloseTo(
      1,
      4,
    );

    const byPosition = await post('/v1/models/iris/versions/1:predict', { instances: [[5.1, 3.5, 1.4, 0.2]] });
    expect(byPosition.json().predictions[0].label).toBe('setosa');
  });

  it('answers bad instances with 400 naming the instance and field', async () => {
    const wrongType = await post('/v1/models/iris/versions/1:predict', {
      instances: [{ sepal_length: 5 }, { sepal_length: 'long' }],
    });
    expect(wrongType.statusCode).toBe(400);
    expect(JSON.stringify(wrongType.json().issues)).toContain('instances.1.sepal_length');
    const unknown = await post('/v1/models/iris/versions/1:predict', { instances: [{ colour: 'red' }] });
    expect(unknown.statusCode).toBe(400);
    expect(JSON.stringify(unknown.json().issues)).toContain('colour');
    const empty = await post('/v1/models/iris/versions/1:predict', { instances: [] });
    expect(empty.statusCode).toBe(400);
    const missingVersion = await post('/v1/models/iris/versions/9:predict', { instances: [[5, 3, 1, 0.2]] });
    expect(missingVersion.statusCode).toBe(404);
  });

  it('promotes a version under an alias, keeps the history, and serves the alias', async () => {
    const second = await post('/v1/training-jobs', {
      datasetId: dataset.id,
      target: 'species',
      modelName: 'iris',
      model: { type: 'mlp', epochs: 30, seed: 3 },
    });
    expect((await waitForJob(env, tenant, second.json().id)).result).toEqual({ model: 'iris', version: 2 });

    expect(
      (
        await env.app.inject({
          method: 'PUT',
          url: '/v1/models/iris/aliases/production',
          headers: tenant.auth,
          payload: { version: 1 },
        })
      ).statusCode,
    ).toBe(200);
    expect((await post('/v1/models/iris:predict', { instances: [[5.1, 3.5, 1.4, 0.2]] })).json().model.version).toBe(1);
    const moved = await env.app.inject({
      method: 'PUT',
      url: '/v1/models/iris/aliases/production',
      headers: tenant.auth,
      payload: { version: 2 },
    });
    expect(moved.json()).toEqual({ alias: 'production', version: 2, previousVersion: 1, split: null, shadow: null });
    // The alias route follows the move at once.
    expect(
      (await post('/v1/models/iris/labels/production:predict', { instances: [[5.1, 3.5, 1.4, 0.2]] })).json().model
        .version,
    ).toBe(2);

    const rolledBack = await post('/v1/models/iris/aliases/production/rollback', {});
    expect(rolledBack.json()).toMatchObject({ version: 1, previousVersion: 2 });
    const history = (await get('/v1/models/iris/aliases/production/history')).json().items;
    expect(history.map((e: { fromVersion: number | null; toVersion: number }) => [e.fromVersion, e.toVersion])).toEqual(
      [
        [2, 1],
        [1, 2],
        [null, 1],
      ],
    );

    const missing = await env.app.inject({
      method: 'PUT',
      url: '/v1/models/iris/aliases/staging',
      headers: tenant.auth,
      payload: { version: 42 },
    });
    expect(missing.statusCode).toBe(404);
    const summary = (await get('/v1/models/iris')).json();
    expect(summary).toMatchObject({ name: 'iris', latestVersion: 2, aliases: { production: 1 } });
  });

  it('refuses to delete a dataset that a version was trained on', async () => {
    const response = await env.app.inject({
      method: 'DELETE',
      url: `/v1/datasets/${dataset.id}`,
      headers: tenant.auth,
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('dataset_in_use');
  });

  it('keeps jobs, models and predictions invisible to other projects', async () => {
    const other = await createTenant(env);
    expect((await get(`/v1/training-jobs/${jobId}`, other.auth)).statusCode).toBe(404);
    expect((await get('/v1/models/iris', other.auth)).statusCode).toBe(404);
    expect((await get('/v1/models/iris/versions/1', other.auth)).statusCode).toBe(404);
    expect((await post('/v1/models/iris:predict', { instances: [[5, 3, 1, 0.2]] }, other.auth)).statusCode).toBe(404);
    expect((await get('/v1/training-jobs', other.auth)).json().items).toEqual([]);
    const foreignDataset = await post(
      '/v1/training-jobs',
      { datasetId: dataset.id, target: 'species', modelName: 'x', model: { type: 'auto' } },
      other.auth,
    );
    expect(foreignDataset.statusCode).toBe(422);
  });
});

describe('bad training requests change nothing', () => {
  it.each([
    [
      'an unknown dataset',
      () => ({
        datasetId: '00000000-0000-4000-8000-000000000000',
        target: 'species',
        modelName: 'm',
        model: { type: 'auto' },
      }),
      422,
      'unknown_dataset',
    ],
    [
      'an unknown target',
      () => ({ datasetId: dataset.id, target: 'colour', modelName: 'm', model: { type: 'auto' } }),
      422,
      'unknown_target',
    ],
    [
      'unknown features',
      () => ({
        datasetId: dataset.id,
        target: 'species',
        features: ['petal_length', 'nope'],
        modelName: 'm',
        model: { type: 'auto' },
      }),
      422,
      'unknown_features',
    ],
    [
      'too many epochs',
      () => ({ datasetId: dataset.id, target: 'species', modelName: 'm', model: { type: 'mlp', epochs: 1_000_000 } }),
      400,
      'validation_failed',
    ],
    [
      'an unknown hyperparameter',
      () => ({ datasetId: dataset.id, target: 'species', modelName: 'm', model: { type: 'linear', epochz: 3 } }),
      400,
      'validation_failed',
    ],
    [
      'regression on a text target',
      () => ({ datasetId: dataset.id, target: 'species', task: 'regression', modelName: 'm', model: { type: 'auto' } }),
      422,
      'target_not_numeric',
    ],
    [
      'a model name with a colon',
      () => ({ datasetId: dataset.id, target: 'species', modelName: 'a:b', model: { type: 'auto' } }),
      400,
      'validation_failed',
    ],
  ])('%s', async (_what, body, status, code) => {
    const before = await env.deps.db.trainingJob.count();
    const queued = await env.deps.trainingQueue.getJobCounts();
    const response = await post('/v1/training-jobs', body());
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().code).toBe(code);
    expect(await env.deps.db.trainingJob.count()).toBe(before);
    expect(await env.deps.trainingQueue.getJobCounts()).toEqual(queued);
  });

  it('a target with one class', async () => {
    const single = await env.app.inject({
      method: 'POST',
      url: '/v1/datasets?name=single',
      headers: { ...tenant.auth, 'content-type': 'text/csv' },
      payload: 'x,y\n1,a\n2,a\n3,a\n4,a\n5,a\n6,a\n7,a\n8,a\n9,a\n',
    });
    const response = await post('/v1/training-jobs', {
      datasetId: single.json().id,
      target: 'y',
      task: 'classification',
      modelName: 'm',
      model: { type: 'auto' },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('single_class_target');
  });
});
