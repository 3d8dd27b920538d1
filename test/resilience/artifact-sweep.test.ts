import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { sweepOrphanedArtifacts } from '../../src/training/jobs/artifacts.ts';
import { unloadedVersionFields } from '../support/registry-rows.ts';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';
import { uploadCsv } from '../support/training.ts';

let env: TestEnv;
let tenant: TestTenant;

beforeAll(async () => {
  env = await createTestEnv();
  tenant = await createTenant(env);
});
afterAll(async () => env?.close());

it('the sweep removes what finished jobs left behind and leaves running jobs and versions alone', async () => {
  const dataset = await uploadCsv(env, tenant, 'tabular/iris.csv', 'iris');
  const { db, store } = env.deps;
  const job = (status: 'failed' | 'running' | 'succeeded') =>
    db.trainingJob.create({
      data: {
        projectId: tenant.projectId,
        datasetId: dataset.id,
        target: 'species',
        modelName: 'm',
        task: 'classification',
        spec: {},
        status,
      },
    });
  const [failed, running, succeeded] = [await job('failed'), await job('running'), await job('succeeded')];
  const files = (id: string) => [
    `models/${tenant.projectId}/${id}/attempt-1/model.json`,
    `models/${tenant.projectId}/${id}/attempt-2/model.json`,
    `checkpoints/${tenant.projectId}/${id}/epoch-3-batch-0-a.ckpt`,
  ];
  // Its job no longer exists.
  const gone = `models/${tenant.projectId}/00000000-0000-4000-8000-000000000000/attempt-1/model.json`;
  for (const key of [...files(failed.id), ...files(running.id), ...files(succeeded.id), gone])
    await store.write(key, Buffer.from('x'));
  const model = await db.model.create({
    data: { projectId: tenant.projectId, name: 'm', task: 'classification', latestVersion: 1 },
  });
  await db.modelVersion.create({
    data: {
      modelId: model.id,
      version: 1,
      trainingJobId: succeeded.id,
      datasetId: dataset.id,
      modelType: 'logistic',
      task: 'classification',
      artifactKey: `models/${tenant.projectId}/${succeeded.id}/attempt-2`,
      artifactSha256: 'x',
      ...unloadedVersionFields,
    },
  });

  expect(await sweepOrphanedArtifacts(db, store, createLogger('silent'))).toBe(3);
  const left = [...(await store.list('models')), ...(await store.list('checkpoints'))].sort();
  expect(left).toEqual(
    [...files(running.id), `models/${tenant.projectId}/${succeeded.id}/attempt-2/model.json`].sort(),
  );
});
