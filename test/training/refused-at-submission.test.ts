import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImageArchive } from '../../src/datasets/image-archive.ts';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';
import { fixture, uploadCsv } from '../support/training.ts';

// Requests a worker could only fail: the API refuses them before storing or queueing
// anything, naming the field at fault. No worker runs in this file.
let env: TestEnv;
let tenant: TestTenant;
const ids: Record<'iris' | 'notes' | 'series' | 'pictures', string> = { iris: '', notes: '', series: '', pictures: '' };

async function upload(name: string, contentType: string, payload: string): Promise<string> {
  const response = await env.app.inject({
    method: 'POST',
    url: `/v1/datasets?name=${name}`,
    headers: { ...tenant.auth, 'content-type': contentType },
    payload,
  });
  expect(response.statusCode).toBe(201);
  return response.json().id;
}

beforeAll(async () => {
  env = await createTestEnv();
  tenant = await createTenant(env);
  ids.iris = (await uploadCsv(env, tenant, 'tabular/iris.csv', 'iris')).id;
  // The topics texts with a numeric column (their length): text, a category and an integer of many values.
  const topics = (await readFile(fixture('text/topics.ndjson'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { text: string; topic: string });
  ids.notes = await upload(
    'notes',
    'application/x-ndjson',
    topics.map((row) => JSON.stringify({ ...row, length: row.text.length })).join('\n'),
  );
  // 30 time-ordered rows of two numeric series.
  ids.series = await upload(
    'series',
    'text/csv',
    ['t,level', ...Array.from({ length: 30 }, (_, i) => `${i},${Math.sin(i / 3).toFixed(4)}`)].join('\n'),
  );
  // 40 digit images in a base64 column, each with a real-valued target.
  const { images } = await readImageArchive(await readFile(fixture('images/digits.zip')));
  ids.pictures = await upload(
    'pictures',
    'text/csv',
    [
      'picture,brightness',
      ...images
        .slice(0, 40)
        .map((image, i) => `${Buffer.from(image.bytes).toString('base64')},${(i * 1.7).toFixed(2)}`),
    ].join('\n'),
  );
});
afterAll(() => env?.close());

describe('requests that must fail in training are refused at submission', () => {
  it.each([
    [
      'early stopping without a validation split',
      'iris',
      { target: 'species', split: { validation: 0 }, model: { type: 'mlp', earlyStopping: { patience: 3 } } },
      422,
      'early_stopping_without_validation',
      'body.model.earlyStopping',
    ],
    [
      'a linear model on a classification target',
      'iris',
      { target: 'species', model: { type: 'linear' } },
      422,
      'model_task_mismatch',
      'body.model.type',
    ],
    [
      'a logistic model on a regression target',
      'iris',
      { target: 'petal_width', model: { type: 'logistic' } },
      422,
      'model_task_mismatch',
      'body.model.type',
    ],
    [
      'a feature listed twice',
      'iris',
      { target: 'species', features: ['petal_length', 'petal_length'], model: { type: 'auto' } },
      400,
      'validation_failed',
      'body.features.1',
    ],
    [
      'a text column among the features of a tabular model',
      'notes',
      { target: 'topic', features: ['text', 'length'], model: { type: 'auto' } },
      400,
      'validation_failed',
      'body.features.0',
    ],
    [
      'a text model on a regression target',
      'notes',
      { target: 'length', model: { type: 'lstm' } },
      422,
      'model_task_mismatch',
      'body.task',
    ],
    [
      'an image model asked for regression',
      'pictures',
      { target: 'brightness', task: 'regression', model: { type: 'cnn' } },
      422,
      'model_task_mismatch',
      'body.task',
    ],
    [
      'a sequence lookback longer than the rows allow',
      'series',
      { target: 'level', model: { type: 'gru', sequence: { lookback: 28 } } },
      422,
      'too_few_rows',
      'body.model.sequence.lookback',
    ],
    [
      'a test fraction that leaves no test row',
      'series',
      { target: 'level', split: { test: 0.01 }, model: { type: 'auto' } },
      422,
      'too_few_rows',
      'body.split',
    ],
    [
      'a task the target cannot take',
      'iris',
      { target: 'species', task: 'regression', model: { type: 'auto' } },
      422,
      'target_not_numeric',
      'body.task',
    ],
  ] as const)('%s', async (_what, dataset, body, status, code, path) => {
    const before = await env.deps.db.trainingJob.count();
    const queued = await env.deps.trainingQueue.getJobCounts();
    const response = await env.app.inject({
      method: 'POST',
      url: '/v1/training-jobs',
      headers: tenant.auth,
      payload: { datasetId: ids[dataset], modelName: 'refused', ...body },
    });
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({
      code,
      detail: expect.any(String),
      issues: [expect.objectContaining({ path })],
    });
    expect(await env.deps.db.trainingJob.count()).toBe(before);
    expect(await env.deps.trainingQueue.getJobCounts()).toEqual(queued);
  });

  it('still queues what the same datasets can train', async () => {
    for (const body of [
      { datasetId: ids.series, target: 'level', model: { type: 'gru', sequence: { lookback: 24 } } },
      { datasetId: ids.iris, target: 'species', split: { validation: 0 }, model: { type: 'logistic' } },
      { datasetId: ids.notes, target: 'topic', model: { type: 'lstm' } },
    ]) {
      const response = await env.app.inject({
        method: 'POST',
        url: '/v1/training-jobs',
        headers: tenant.auth,
        payload: { modelName: 'accepted', ...body },
      });
      expect(response.statusCode, response.body).toBe(202);
    }
  });
});
