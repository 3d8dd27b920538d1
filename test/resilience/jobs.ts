import { expect } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import type { ArtifactStore } from '../../src/storage/artifact-store.ts';
import type { TestEnv, TestTenant } from '../support/test-env.ts';
import { isAlive, waitFor } from './processes.ts';

/**
 * A job long enough to be killed mid-training on a busy two-core machine and short enough
 * to finish soon after: an MLP on Iris with tiny batches (27 batches an epoch), checkpointed
 * every couple of epochs (the test configs set CHECKPOINT_EVERY_EPOCHS). Early stopping is off,
 * so the job runs all its epochs whatever its validation loss does.
 */
export const longJob = (datasetId: string, modelName: string, epochs = 40) => ({
  datasetId,
  target: 'species',
  modelName,
  model: {
    type: 'mlp',
    epochs,
    batchSize: 4,
    learningRate: 0.01,
    // An optimiser the hand-written dense step does not take: the job trains on TensorFlow.js's
    // tape, seconds for these epochs, where Adam's dense step finishes them in well under one,
    // before a kill or a time limit could land mid-run.
    optimizer: 'rmsprop',
    seed: 11,
    hiddenLayers: [{ units: 24, activation: 'relu' }],
    earlyStopping: false,
  },
});

export interface RunRecord {
  attempt: number;
  pid: number;
  resumedFromEpoch: number | null;
  outcome?: string;
}
export interface JobRow {
  status: string;
  attempts: number;
  resumedFromEpoch: number | null;
  checkpoint: unknown;
  progress: { epochs: Array<{ epoch: number }>; runs?: RunRecord[] };
}

export async function jobRow(db: Database, id: string): Promise<JobRow> {
  return (await db.trainingJob.findUniqueOrThrow({ where: { id } })) as unknown as JobRow;
}

/** Waits until the job is running with at least `epochs` finished and a checkpoint taken after them. */
export async function waitForCheckpoint(db: Database, id: string, epochs: number, timeoutMs = 90_000): Promise<JobRow> {
  return waitFor(
    `job ${id} to checkpoint after epoch ${epochs}`,
    async () => {
      const row = await jobRow(db, id);
      const pointer = row.checkpoint as { completedEpochs?: number } | null;
      return row.status === 'running' && (pointer?.completedEpochs ?? 0) >= epochs ? row : undefined;
    },
    timeoutMs,
  );
}

export async function waitForEnd(db: Database, id: string, timeoutMs = 120_000): Promise<JobRow> {
  return waitFor(
    `job ${id} to finish`,
    async () => {
      const row = await jobRow(db, id);
      return ['succeeded', 'failed', 'cancelled'].includes(row.status) ? row : undefined;
    },
    timeoutMs,
  );
}

/**
 * The invariants every fault test checks once its job is done: it succeeded with exactly
 * one version, its epochs read 1..n once each, and no attempt's files or checkpoints are left
 * beside the version's own. The clean-up runs just after the registering transaction, so
 * stray files get a few seconds to go before they count.
 */
export async function expectCleanSuccess(db: Database, store: ArtifactStore, id: string, epochs: number) {
  const row = await jobRow(db, id);
  const versions = await db.modelVersion.findMany({ where: { trainingJobId: id } });
  const job = await db.trainingJob.findUniqueOrThrow({ where: { id } });
  const strays = async () =>
    [
      ...(await store.list(`models/${job.projectId}/${id}`)),
      ...(await store.list(`checkpoints/${job.projectId}/${id}`)),
    ].filter((key) => !key.startsWith(`${versions[0]?.artifactKey}/`));
  const strayFiles = await waitFor(
    'stray files to be collected',
    async () => ((await strays()).length === 0 ? [] : undefined),
    10_000,
  ).catch(strays);
  return {
    status: row.status,
    versions: versions.length,
    epochs:
      row.progress.epochs.map((e) => e.epoch).join(',') === Array.from({ length: epochs }, (_, i) => i + 1).join(','),
    strayFiles,
    checkpoint: row.checkpoint,
  };
}

/** What {@link expectCleanSuccess} gives for a job that ended as it should. */
export const cleanSuccess = {
  status: 'succeeded',
  versions: 1,
  epochs: true,
  strayFiles: [],
  checkpoint: null,
};

/** Kills the training child of the row's first run with SIGKILL (never this process) and waits until it is gone. */
export async function killTrainingChild(row: JobRow): Promise<number> {
  const child = row.progress.runs![0]!.pid;
  expect(child).not.toBe(process.pid);
  process.kill(child, 'SIGKILL');
  await waitFor('the child to die', () => !isAlive(child), 5_000);
  return child;
}

/**
 * Waits for a job whose first attempt was killed and expects it to have succeeded on its
 * second attempt, resumed from a checkpoint at `resumedAtLeast` epochs or later, cleanly
 * (see {@link expectCleanSuccess}) and with version 1 of `model`, as the API shows it too.
 */
export async function expectResumedToOneVersion(
  env: TestEnv,
  tenant: TestTenant,
  id: string,
  expected: { model: string; epochs: number; resumedAtLeast: number },
): Promise<JobRow> {
  const done = await waitForEnd(env.deps.db, id);
  expect(done.status).toBe('succeeded');
  expect(done.attempts).toBe(2);
  // It continued from a checkpoint taken at or after the one seen before the kill, not from epoch 0.
  expect(done.resumedFromEpoch).toBeGreaterThanOrEqual(expected.resumedAtLeast);
  expect(done.progress.runs![1]).toMatchObject({ attempt: 2, resumedFromEpoch: done.resumedFromEpoch });
  expect(await expectCleanSuccess(env.deps.db, env.deps.store, id, expected.epochs)).toEqual(cleanSuccess);
  const job = (await env.app.inject({ method: 'GET', url: `/v1/training-jobs/${id}`, headers: tenant.auth })).json();
  expect(job).toMatchObject({
    status: 'succeeded',
    attempts: 2,
    resumedFromEpoch: done.resumedFromEpoch,
    result: { model: expected.model, version: 1 },
  });
  return done;
}
