import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectResumedToOneVersion, jobRow, killTrainingChild, waitForCheckpoint } from '../resilience/jobs.ts';
import { waitFor } from '../resilience/processes.ts';
import type { TestEnv, TestTenant } from '../support/test-env.ts';
import { createTrainingEnv, uploadFixture } from '../support/training.ts';

let env: TestEnv;
let tenant: TestTenant;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ env, tenant, close } = await createTrainingEnv({ CHECKPOINT_EVERY_EPOCHS: '5' }));
});
afterAll(() => close?.());

const EPOCHS = 30;

const TITLE =
  'kill -9 of a deep (text CNN) training child: the retry resumes from its checkpoint, ' +
  're-trains the lost epochs identically, and registers one version';

it(TITLE, async () => {
  const dataset = await uploadFixture(env, tenant, 'text/topics.ndjson', 'topics');
  // Small batches make each epoch long enough to be killed in; dropout makes exact resume non-trivial.
  const submitted = await env.app.inject({
    method: 'POST',
    url: '/v1/training-jobs',
    headers: tenant.auth,
    payload: {
      datasetId: dataset.id,
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
        // Every epoch runs, so the crash always lands mid-training.
        earlyStopping: false,
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
  await killTrainingChild(before);

  const done = await expectResumedToOneVersion(env, tenant, id, {
    model: 'topics-crash',
    epochs: EPOCHS,
    resumedAtLeast: 5,
  });
  // Epochs the first attempt finished after its last checkpoint were lost and trained again:
  // a resumed run repeats them loss for loss.
  const lost = before.progress.epochs.filter((e) => e.epoch > done.resumedFromEpoch!) as Array<{
    epoch: number;
    loss: number;
  }>;
  expect(lost.length).toBeGreaterThan(0);
  const final = done.progress.epochs as Array<{ epoch: number; loss: number }>;
  for (const epoch of lost) expect(final[epoch.epoch - 1]!.loss).toBeCloseTo(epoch.loss, 5);
});
