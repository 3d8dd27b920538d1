import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { PredictionService } from '../../src/serving/prediction-service.ts';
import { MAGIC } from '../../src/storage/encryption/chunked-cipher.ts';
import { createTrainingEnv, trainToSuccess, uploadCsv, waitForJob, type TrainingEnv } from '../support/training.ts';

let training: TrainingEnv;
let datasetId: string;
const iris = { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 };

beforeAll(async () => {
  training = await createTrainingEnv();
  datasetId = (await uploadCsv(training.env, training.tenant, 'tabular/iris.csv', 'iris')).id;
});
afterAll(async () => {
  await training?.close();
});

const onDisk = (key: string) => path.join(training.env.config.ARTIFACT_DIR, key);
/** Flips one bit in the middle of a stored file, as a bad disk or a meddling hand would. */
async function damage(key: string): Promise<void> {
  const bytes = await readFile(onDisk(key));
  bytes[Math.floor(bytes.length / 2)]! ^= 0x04;
  await writeFile(onDisk(key), bytes);
}

describe('with encryption at rest (the default)', () => {
  it('uploads, trains and predicts, keeping every stored file sealed', async () => {
    const { env, tenant } = training;
    await trainToSuccess(env, tenant, {
      datasetId,
      target: 'species',
      modelName: 'iris',
      model: { type: 'logistic', epochs: 20, learningRate: 0.1, seed: 3 },
    });
    const predicted = await env.app.inject({
      method: 'POST',
      url: '/v1/models/iris/versions/1:predict',
      headers: tenant.auth,
      payload: { instances: [iris] },
    });
    expect(predicted.statusCode).toBe(200);
    expect(predicted.json().predictions[0].label).toEqual(expect.any(String));

    const stored = [
      ...(await env.deps.store.list(`datasets/${tenant.projectId}`)),
      ...(await env.deps.store.list(`models/${tenant.projectId}`)),
    ];
    expect(stored.some((key) => key.startsWith('models/'))).toBe(true);
    for (const key of stored) {
      const bytes = await readFile(onDisk(key));
      expect(bytes.subarray(0, MAGIC.length)).toEqual(MAGIC);
      expect(bytes.includes(Buffer.from('sepal_length'))).toBe(false);
    }
  });

  it('answers a clear 500 problem, not a wrong prediction, when a model file was altered', async () => {
    const { env, tenant } = training;
    const [weights] = (await env.deps.store.list(`models/${tenant.projectId}`)).filter((key) => key.endsWith('.bin'));
    expect(weights).toBeDefined();
    await damage(weights!);
    // A process that has not loaded the model yet (the running one keeps it in memory).
    const predictions = new PredictionService(env.deps.db, env.deps.store, env.config);
    const app = await buildApp({ ...env.deps, predictions }, { logger: false });
    try {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/models/iris/versions/1:predict',
        headers: tenant.auth,
        payload: { instances: [iris] },
      });
      expect(response.statusCode).toBe(500);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().code).toBe('artifact_integrity_failed');
    } finally {
      await app.close();
      predictions.close();
    }
  });

  it('fails a training job with a clear code when its dataset file was altered', async () => {
    const { env, tenant } = training;
    const [file] = await env.deps.store.list(`datasets/${tenant.projectId}`);
    await damage(file!);
    const submitted = await env.app.inject({
      method: 'POST',
      url: '/v1/training-jobs',
      headers: tenant.auth,
      payload: { datasetId, target: 'species', modelName: 'iris', model: { type: 'logistic', epochs: 5 } },
    });
    expect(submitted.statusCode).toBe(202);
    const job = await waitForJob(env, tenant, submitted.json().id);
    expect(job.status).toBe('failed');
    expect(job.error.code).toBe('artifact_integrity_failed');
  });
});
