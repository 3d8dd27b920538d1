import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAGIC } from '../../src/storage/encryption/chunked-cipher.ts';
import { startS3Server, type S3Server } from '../support/s3-server.ts';
import { createTrainingEnv, trainToSuccess, uploadCsv, type TrainingEnv } from '../support/training.ts';

/**
 * The whole loop with ARTIFACT_STORE on an S3 bucket (a real S3-protocol server): datasets,
 * checkpoints and models go to the bucket, sealed by encryption at rest, and nothing of a
 * tenant's lands in the local directory.
 */
let s3: S3Server;
let training: TrainingEnv;
beforeAll(async () => {
  s3 = await startS3Server();
  training = await createTrainingEnv(s3.settings('prod/maas'));
});
afterAll(async () => {
  await training?.close();
  await s3?.close();
});

describe('with ARTIFACT_STORE=s3://bucket/prefix', () => {
  it('uploads, trains and predicts through the bucket, every object sealed', async () => {
    const { env, tenant } = training;
    const dataset = await uploadCsv(env, tenant, 'tabular/iris.csv', 'iris');
    await trainToSuccess(env, tenant, {
      datasetId: dataset.id,
      target: 'species',
      modelName: 'iris',
      model: { type: 'logistic', epochs: 10, learningRate: 0.1, seed: 3 },
    });
    const predicted = await env.app.inject({
      method: 'POST',
      url: '/v1/models/iris/versions/1:predict',
      headers: tenant.auth,
      payload: { instances: [{ sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 }] },
    });
    expect(predicted.statusCode).toBe(200);
    expect(predicted.json().predictions[0].label).toEqual(expect.any(String));
    // Readiness writes and removes a probe object in the bucket.
    const ready = await env.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode, ready.body).toBe(200);

    const stored = await env.deps.store.list('');
    expect(stored.some((key) => key.startsWith(`datasets/${tenant.projectId}/`))).toBe(true);
    expect(stored.some((key) => key.startsWith(`models/${tenant.projectId}/`))).toBe(true);
    const client = new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1' });
    for (const key of stored) {
      const object = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `prod/maas/${key}` }));
      const bytes = Buffer.from(await object.Body!.transformToByteArray());
      expect(bytes.subarray(0, MAGIC.length)).toEqual(MAGIC);
      expect(bytes.includes(Buffer.from('sepal_length'))).toBe(false);
    }
    client.destroy();
    // The local directory holds the process's own files at most (admin token, keys), no data.
    const local = await readdir(env.config.ARTIFACT_DIR, { recursive: true });
    expect(local.filter((name) => /datasets|models|checkpoints/.test(name))).toEqual([]);
    // Beside them, the API's copies of the model it loaded (ARTIFACT_CACHE_MB), as stored: sealed.
    const copies = await readdir(path.join(env.config.ARTIFACT_DIR, 'artifact-cache'), {
      recursive: true,
      withFileTypes: true,
    });
    const files = copies.filter((entry) => entry.isFile());
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files)
      expect((await readFile(path.join(file.parentPath, file.name))).subarray(0, MAGIC.length)).toEqual(MAGIC);
  });
});
