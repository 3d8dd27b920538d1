import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weatherParquet } from '../fixtures/datasets/build-parquet.ts';
import {
  createTrainingEnv,
  postDataset,
  trainToSuccess,
  uploadFixture,
  type TrainingEnv,
} from '../support/training.ts';

/**
 * Training reads a Parquet dataset as it reads CSV: the same table in both formats trains to
 * the same model, seed for seed, and the Parquet version predicts.
 */
let training: TrainingEnv;
beforeAll(async () => {
  training = await createTrainingEnv();
});
afterAll(() => training?.close());

describe('a Parquet dataset', () => {
  it('trains end to end to the same metrics as the same table in CSV', async () => {
    const { env, tenant } = training;
    const uploaded = await postDataset(
      env,
      tenant.auth,
      'weather-pq',
      weatherParquet(300),
      'application/vnd.apache.parquet',
    );
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const parquet = uploaded.json();
    const csv = await uploadFixture(env, tenant, 'datasets/seattle-weather.csv', 'weather-csv');
    const spec = {
      target: 'weather',
      features: ['precipitation', 'temp_max', 'temp_min', 'wind'],
      model: { type: 'logistic', epochs: 5, learningRate: 0.1, seed: 7 },
    };
    const fromParquet = await trainToSuccess(env, tenant, { ...spec, datasetId: parquet.id, modelName: 'pq' });
    const fromCsv = await trainToSuccess(env, tenant, { ...spec, datasetId: csv.id, modelName: 'csv' });
    expect(fromParquet.metrics).toEqual(fromCsv.metrics);
    const predicted = await env.app.inject({
      method: 'POST',
      url: '/v1/models/pq/versions/1:predict',
      headers: tenant.auth,
      payload: { instances: [{ precipitation: 12, temp_max: 9, temp_min: 4, wind: 5 }] },
    });
    expect(predicted.statusCode, predicted.body).toBe(200);
    expect(['rain', 'sun', 'fog', 'drizzle', 'snow']).toContain(predicted.json().predictions[0].label);
  });
});
