/**
 * A worker process is killed (SIGKILL) while it runs a tuning job's trials; a new worker takes
 * over, and the search still ends with every trial accounted for (completed, stopped at a rung,
 * or failed with a reason) and exactly one registered version, the best trial's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';
import { uploadCsv } from '../support/training.ts';
import { configEnv, isAlive, startEntryPoint, stop, waitFor, type Proc } from './processes.ts';

let env: TestEnv;
let tenant: TestTenant;
let datasetId: string;
const procs: Proc[] = [];

beforeAll(async () => {
  env = await createTestEnv({ CHECKPOINT_EVERY_EPOCHS: '2' });
  tenant = await createTenant(env);
  datasetId = (await uploadCsv(env, tenant, 'tabular/iris.csv', 'iris')).id;
});
afterAll(async () => {
  for (const proc of procs) await stop(proc);
  await env?.close();
});

const startWorkerProcess = () => {
  const proc = startEntryPoint('src/cli/worker.ts', configEnv(env.config));
  procs.push(proc);
  return proc;
};

describe('a worker dies mid-tuning (kill -9)', () => {
  it('the search ends with every trial accounted for and exactly one version', async () => {
    const submitted = await env.app.inject({
      method: 'POST',
      url: '/v1/tuning-jobs',
      headers: tenant.auth,
      payload: {
        datasetId,
        target: 'species',
        modelName: 'tuned-crash',
        split: { test: 0.2, validation: 0.2, seed: 11 },
        // Tiny batches (27 an epoch), checkpoints every two epochs, and an optimiser the dense step
        // does not take (TensorFlow.js's tape trains at seconds a trial): long enough to be killed mid-trial.
        model: {
          type: 'mlp',
          epochs: 8,
          batchSize: 4,
          optimizer: 'rmsprop',
          hiddenLayers: [{ units: 24 }],
          earlyStopping: false,
        },
        searchSpace: { learningRate: { type: 'float', min: 1e-3, max: 0.1, scale: 'log' } },
        maxTrials: 4,
        parallelTrials: 2,
        seed: 3,
      },
    });
    expect(submitted.statusCode).toBe(202);
    const id = submitted.json().id as string;
    const { db } = env.deps;

    const first = startWorkerProcess();
    // A trial mid-training, past a checkpoint.
    const running = await waitFor(
      'a trial to checkpoint mid-training',
      async () => {
        const trials = await db.tuningTrial.findMany({ where: { tuningJobId: id }, include: { trainingJob: true } });
        return trials.find((trial) => {
          const pointer = trial.trainingJob?.checkpoint as { completedEpochs?: number } | null;
          return trial.trainingJob?.status === 'running' && (pointer?.completedEpochs ?? 0) >= 2;
        });
      },
      90_000,
      first.output,
    );
    const child = (running.trainingJob!.progress as { runs: Array<{ pid: number }> }).runs[0]!.pid;
    first.child.kill('SIGKILL');
    await first.exited;
    await waitFor('the orphaned training child to exit', () => !isAlive(child), 10_000);

    const second = startWorkerProcess();
    const done = await waitFor(
      'the search to end',
      async () => {
        const job = await db.tuningJob.findUniqueOrThrow({ where: { id } });
        return ['succeeded', 'failed', 'cancelled'].includes(job.status) ? job : undefined;
      },
      180_000,
      second.output,
    );
    expect(done.status).toBe('succeeded');

    const trials = await db.tuningTrial.findMany({
      where: { tuningJobId: id },
      include: { trainingJob: true },
      orderBy: { number: 'asc' },
    });
    expect(trials.map((trial) => trial.number)).toEqual([0, 1, 2, 3]);
    for (const trial of trials) {
      expect(['completed', 'stopped', 'failed']).toContain(trial.state);
      const job = trial.trainingJob!;
      expect(['succeeded', 'cancelled', 'failed']).toContain(job.status);
      if (trial.state === 'stopped') expect((job.error as { code: string }).code).toBe('trial_stopped');
      if (trial.state === 'failed') expect((job.error as { message: string }).message).toBeTruthy();
    }
    // The killed trial went on in the new worker, from its checkpoint.
    const resumed = trials.find((trial) => trial.id === running.id)!.trainingJob!;
    expect(resumed.attempts).toBe(2);

    const versions = await db.modelVersion.findMany({ where: { model: { name: 'tuned-crash' } } });
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ tuningJobId: id, tuningTrial: done.bestTrial });
    const best = trials.find((trial) => trial.number === done.bestTrial)!;
    const completed = trials.filter((trial) => trial.state === 'completed');
    expect(best.objective).toBe(Math.min(...completed.map((trial) => trial.objective!)));
  }, 240_000);
});
