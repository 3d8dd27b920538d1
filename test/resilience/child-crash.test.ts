import type { Worker } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTrainingWorker } from '../../src/training/jobs/worker.ts';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';
import { uploadCsv } from '../support/training.ts';
import { expectCleanSuccess, longJob, waitForCheckpoint, waitForEnd } from './jobs.ts';
import { isAlive, waitFor } from './processes.ts';

let env: TestEnv;
let tenant: TestTenant;
let worker: Worker;

beforeAll(async () => {
  env = await createTestEnv({ CHECKPOINT_EVERY_EPOCHS: '2' });
  tenant = await createTenant(env);
  worker = startTrainingWorker(env.deps);
});
afterAll(async () => {
  await worker?.close();
  await env?.close();
});

const TITLE =
  'kill -9 of the training child: the attempt fails, is retried, and resumes from its checkpoint to one version';

it(TITLE, async () => {
  const dataset = await uploadCsv(env, tenant, 'tabular/iris.csv', 'iris');
  const submitted = await env.app.inject({
    method: 'POST',
    url: '/v1/training-jobs',
    headers: tenant.auth,
    payload: longJob(dataset.id, 'crash-child'),
  });
  expect(submitted.statusCode).toBe(202);
  const id = submitted.json().id as string;

  const running = await waitForCheckpoint(env.deps.db, id, 4);
  const child = running.progress.runs![0]!.pid;
  expect(child).not.toBe(process.pid);
  process.kill(child, 'SIGKILL');
  await waitFor('the child to die', () => !isAlive(child), 5_000);

  const done = await waitForEnd(env.deps.db, id);
  const resumed = done.progress.runs![1]!;
  expect(done.status).toBe('succeeded');
  expect(done.attempts).toBe(2);
  // It continued from a checkpoint taken at or after the one seen before the kill, not from epoch 0.
  expect(done.resumedFromEpoch).toBeGreaterThanOrEqual(4);
  expect(resumed).toMatchObject({ attempt: 2, resumedFromEpoch: done.resumedFromEpoch });
  expect(resumed.pid).not.toBe(child);
  expect(await expectCleanSuccess(env.deps.db, env.deps.store, id, 40)).toEqual({
    status: 'succeeded',
    versions: 1,
    epochs: true,
    strayFiles: [],
    checkpoint: null,
  });
  const job = (await env.app.inject({ method: 'GET', url: `/v1/training-jobs/${id}`, headers: tenant.auth })).json();
  expect(job).toMatchObject({
    status: 'succeeded',
    attempts: 2,
    resumedFromEpoch: done.resumedFromEpoch,
    result: { model: 'crash-child', version: 1 },
  });
});
