import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueTraining } from '../../src/queue/training-queue.ts';
import { startTrainingWorker } from '../../src/training/jobs/worker.ts';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';
import { uploadCsv } from '../support/training.ts';
import { jobRow, longJob, waitForEnd } from './jobs.ts';
import { waitFor } from './processes.ts';

let env: TestEnv;
let tenant: TestTenant;
let worker: Worker;
let dataset: { id: string };

beforeAll(async () => {
  env = await createTestEnv({ CHECKPOINT_EVERY_EPOCHS: '2' });
  tenant = await createTenant(env);
  dataset = await uploadCsv(env, tenant, 'tabular/iris.csv', 'iris');
  worker = startTrainingWorker(env.deps);
});
afterAll(async () => {
  await worker?.close();
  await env?.close();
});

/** Neither a version nor any file of the job's attempts or checkpoints survives. */
async function leftovers(id: string) {
  return {
    versions: await env.deps.db.modelVersion.count({ where: { trainingJobId: id } }),
    files: [
      ...(await env.deps.store.list(`models/${tenant.projectId}/${id}`)),
      ...(await env.deps.store.list(`checkpoints/${tenant.projectId}/${id}`)),
    ],
  };
}

describe('jobs that must stop', () => {
  it('a job past its maxDurationMs fails as timed_out, once, without retries', async () => {
    const id = (
      await env.app.inject({
        method: 'POST',
        url: '/v1/training-jobs',
        headers: tenant.auth,
        payload: { ...longJob(dataset.id, 'slow', 200), maxDurationMs: 1_000 },
      })
    ).json().id as string;
    const done = await waitForEnd(env.deps.db, id);
    expect(done).toMatchObject({ status: 'failed', attempts: 1 });
    const job = await env.deps.db.trainingJob.findUniqueOrThrow({ where: { id } });
    expect(job.error).toMatchObject({ code: 'timed_out' });
    const queued = await env.deps.trainingQueue.getJob(id);
    await waitFor(
      'the queue to record the failure',
      async () => ((await queued!.getState()) === 'failed' ? true : undefined),
      10_000,
    );
    expect((await env.deps.trainingQueue.getJob(id))!.attemptsMade).toBe(1);
    // The record says failed before the attempt has cleared its files; the queue hears of the
    // failure only once it has, so the files are looked for after that.
    expect(await leftovers(id)).toEqual({ versions: 0, files: [] });
  });

  it('invalid hyperparameters that reach a worker fail at once, without retries', async () => {
    // The API refuses these; a job written by an older version (or by hand) still must not loop.
    const row = await env.deps.db.trainingJob.create({
      data: {
        projectId: tenant.projectId,
        datasetId: dataset.id,
        target: 'species',
        modelName: 'bad',
        task: 'classification',
        spec: { task: 'classification', model: { type: 'mlp', learningRate: -1 } },
      },
    });
    await enqueueTraining(env.deps.trainingQueue, row.id);
    const done = await waitForEnd(env.deps.db, row.id);
    expect(done).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await env.deps.db.trainingJob.findUniqueOrThrow({ where: { id: row.id } })).error).toMatchObject({
      code: 'validation_failed',
    });
    await waitFor(
      'the queue to record the failure',
      async () => ((await (await env.deps.trainingQueue.getJob(row.id))!.getState()) === 'failed' ? true : undefined),
      10_000,
    );
    expect((await env.deps.trainingQueue.getJob(row.id))!.attemptsMade).toBe(1);
  });

  it('a cancel over HTTP reaches the job running in the worker process and stops it', async () => {
    const id = (
      await env.app.inject({
        method: 'POST',
        url: '/v1/training-jobs',
        headers: tenant.auth,
        payload: longJob(dataset.id, 'cancelled', 200),
      })
    ).json().id as string;
    await waitFor(
      'an epoch',
      async () => ((await jobRow(env.deps.db, id)).progress.epochs.length >= 1 ? true : undefined),
      60_000,
    );
    const cancelled = await env.app.inject({
      method: 'POST',
      url: `/v1/training-jobs/${id}/cancel`,
      headers: tenant.auth,
    });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ cancelRequested: true });
    const asked = Date.now();
    const done = await waitForEnd(env.deps.db, id, 30_000);
    // Generous: the loop polls every 500 ms and stops before the next batch.
    expect(Date.now() - asked).toBeLessThan(5_000);
    expect(done.status).toBe('cancelled');
    const epochs = done.progress.epochs.length;
    expect(epochs).toBeLessThan(200);
    // As above: the attempt ends (and the queue hears of it) once its files are cleared.
    const queued = await env.deps.trainingQueue.getJob(id);
    await waitFor(
      "the queue to record the attempt's end",
      async () => ((await queued!.getState()) === 'completed' ? true : undefined),
      10_000,
    );
    expect(await leftovers(id)).toEqual({ versions: 0, files: [] });
  });
});
