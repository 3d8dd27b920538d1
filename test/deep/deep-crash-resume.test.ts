import { readFile } from 'node:fs/promises';
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTrainingWorker } from '../../src/training/jobs/worker.ts';
import { expectCleanSuccess, jobRow, waitForCheckpoint, waitForEnd } from '../resilience/jobs.ts';
import { isAlive, waitFor } from '../resilience/processes.ts';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';
import { fixture } from '../support/training.ts';

let env: TestEnv;
let tenant: TestTenant;
let worker: Worker;

beforeAll(async () => {
  env = await createTestEnv({ CHECKPOINT_EVERY_EPOCHS: '5' });
  tenant = await createTenant(env);
  worker = startTrainingWorker(env.deps);
});
afterAll(async () => {
  await worker?.close();
  await env?.close();
});

const EPOCHS = 30;

const TITLE =
  'kill -9 of a deep (text CNN) training child: the retry resumes from its checkpoint, ' +
  're-trains the lost epochs identically, and registers one version';

it(TITLE, async () => {
  const upload = await env.app.inject({
    method: 'POST',
    url: '/v1/datasets?name=topics',
    headers: { ...tenant.auth, 'content-type': 'application/x-ndjson' },
    payload: await readFile(fixture('text/topics.ndjson')),
  });
  expect(upload.statusCode).toBe(201);
  // Small batches make each epoch long enough to be killed in; dropout makes exact resume non-trivial.
  const submitted = await env.app.inject({
    method: 'POST',
    url: '/v1/training-jobs',
    headers: tenant.auth,
    payload: {
      datasetId: upload.json().id,
      target: 'topic',
      modelName: 'topics-crash',
      model: {
        type: 'cnn',
        epochs: EPOCHS,
        batchSize: 4,
        learningRate: 0.005,
        seed: 3,
        embeddingDim: 16,
        convBlocks: [{ filters: 16, kernelSize: 3 }],
        denseUnits: [16],
        denseDropout: 0.3,
        text: { maxTokens: 500, maxLength: 16 },
      },
    },
  });
  expect(submitted.statusCode).toBe(202);
  const id = submitted.json().id as string;

  await waitForCheckpoint(env.deps.db, id, 5);
  // Kill once an epoch past the checkpoint is on record (the next one is four epochs away),
  // so the retry has to train it again.
  const before = await waitFor('an epoch after the checkpoint', async () => {
    const row = await jobRow(env.deps.db, id);
    return row.status === 'running' &&
      row.progress.epochs.length > (row.checkpoint as { completedEpochs: number }).completedEpochs
      ? row
      : undefined;
  });
  const child = before.progress.runs![0]!.pid;
  expect(child).not.toBe(process.pid);
  process.kill(child, 'SIGKILL');
  await waitFor('the child to die', () => !isAlive(child), 5_000);

  const done = await waitForEnd(env.deps.db, id);
  expect(done.status).toBe('succeeded');
  expect(done.attempts).toBe(2);
  expect(done.resumedFromEpoch).toBeGreaterThanOrEqual(5);
  expect(done.progress.runs![1]).toMatchObject({ attempt: 2, resumedFromEpoch: done.resumedFromEpoch });
  // Epochs the first attempt finished after its last checkpoint were lost and trained again:
  // a resumed run repeats them loss for loss.
  const lost = before.progress.epochs.filter((e) => e.epoch > done.resumedFromEpoch!) as Array<{
    epoch: number;
    loss: number;
  }>;
  expect(lost.length).toBeGreaterThan(0);
  const final = done.progress.epochs as Array<{ epoch: number; loss: number }>;
  for (const epoch of lost) expect(final[epoch.epoch - 1]!.loss).toBeCloseTo(epoch.loss, 5);
  expect(await expectCleanSuccess(env.deps.db, env.deps.store, id, EPOCHS)).toEqual({
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
    result: { model: 'topics-crash', version: 1 },
  });
});
