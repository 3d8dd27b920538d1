import type { Worker } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { irisWithIds, parseCsv, startBackgroundWorkers, waitForBatch } from '../support/batch.ts';
import { createTrainingEnv, uploadCsv, waitForJob, type TrainingEnv } from '../support/training.ts';

// BATCH_OUTPUT_THREAD=false: every part formatted on the job's one thread, as before the thread.
let training: TrainingEnv;
let workers: Worker[];

beforeAll(async () => {
  training = await createTrainingEnv({ BATCH_PART_ROWS: '40', BATCH_OUTPUT_THREAD: 'false' });
  workers = startBackgroundWorkers(training.env);
  const dataset = await uploadCsv(training.env, training.tenant, 'tabular/iris.csv', 'iris');
  const job = await training.env.app.inject({
    method: 'POST',
    url: '/v1/training-jobs',
    headers: training.tenant.auth,
    payload: {
      datasetId: dataset.id,
      target: 'species',
      modelName: 'iris',
      model: { type: 'mlp', epochs: 5, learningRate: 0.05, seed: 5, hiddenLayers: [{ units: 8, activation: 'relu' }] },
    },
  });
  expect((await waitForJob(training.env, training.tenant, job.json().id)).status).toBe('succeeded');
}, 120_000);
afterAll(async () => {
  for (const worker of workers ?? []) await worker.close();
  await training?.close();
});

it('without the output thread, writes every row once in input order, bad rows in the error file', async () => {
  const { header, rows } = await irisWithIds();
  const body = [header, ...rows].map((row) => row.join(','));
  body.push('bad1,abc,3.0,1.4,0.2,setosa');
  const submitted = await training.env.app.inject({
    method: 'POST',
    url: '/v1/batch-predictions/upload?model=iris&version=1&passthrough=id',
    headers: { ...training.tenant.auth, 'content-type': 'text/csv' },
    payload: `${body.join('\n')}\n`,
  });
  expect(submitted.statusCode).toBe(202);
  const done = await waitForBatch(training.env, training.tenant, submitted.json().id);
  expect(done).toMatchObject({ status: 'succeeded', progress: { rowsDone: 151, errorCount: 1, partsDone: 4 } });
  const output = await training.env.app.inject({
    method: 'GET',
    url: `/v1/batch-predictions/${done.id}/output`,
    headers: training.tenant.auth,
  });
  const [head, ...lines] = parseCsv(output.body);
  expect(head).toEqual(['id', 'prediction', 'probability_setosa', 'probability_versicolor', 'probability_virginica']);
  expect(lines.map((line) => line[0])).toEqual(rows.map((row) => row[0]));
  expect(lines.every((line) => ['setosa', 'versicolor', 'virginica'].includes(line[1]!))).toBe(true);
  const errors = await training.env.app.inject({
    method: 'GET',
    url: `/v1/batch-predictions/${done.id}/errors`,
    headers: training.tenant.auth,
  });
  expect(parseCsv(errors.body).map((line) => line[0])).toEqual(['row', '151']);
});
