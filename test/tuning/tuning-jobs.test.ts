/**
 * Tuning jobs end to end on real data (iris), over the HTTP API with two real workers: the search
 * beats the defaults and a hand-picked configuration where the default learning rate is far off,
 * trials run two at once on the two workers, ASHA stops trailing trials, only the best trial
 * registers a version (moving the alias), the same seed and parallelism draw the same trials and
 * pick the same best, and cancel ends every trial without one.
 */
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, uploadCsv, waitForJob } from '../support/training.ts';
import { createTenantEnv, type TenantEnv } from '../support/test-env.ts';

let ctx: TenantEnv;
let workers: Worker[];
let datasetId: string;

// Few epochs: a learning rate of 0.01 (the default) has not got far by the end; larger ones have.
const split = { test: 0.2, validation: 0.2, seed: 11 };
const base = { type: 'logistic', epochs: 9, batchSize: 16 };

beforeAll(async () => {
  ctx = await createTenantEnv();
  workers = [startWorker(ctx.env), startWorker(ctx.env)];
  datasetId = (await uploadCsv(ctx.env, ctx.tenant, 'tabular/iris.csv', 'iris')).id;
}, 60_000);

afterAll(async () => {
  await Promise.all(workers?.map((worker) => worker.close()) ?? []);
  await ctx?.close();
});

const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
  ctx.env.app.inject({ method, url, headers: ctx.tenant.auth, ...(payload ? { payload } : {}) });

async function waitForTuning(id: string, timeoutMs = 150_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = (await api('GET', `/v1/tuning-jobs/${id}`)).json();
    if (!['queued', 'running'].includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`tuning job ${id} still ${job.status}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('tuning jobs', () => {
  it('finds a version at least as good as the defaults and a hand-picked config, two trials at a time, stopping trailing ones', async () => {
    const submitted = await api('POST', '/v1/tuning-jobs', {
      datasetId,
      target: 'species',
      modelName: 'iris-tuned',
      split,
      model: base,
      searchSpace: { learningRate: { type: 'float', min: 1e-4, max: 1, scale: 'log' } },
      objective: { metric: 'valLoss' },
      algorithm: 'tpe',
      maxTrials: 6,
      parallelTrials: 2,
      seed: 5,
      alias: 'production',
    });
    expect(submitted.statusCode).toBe(202);
    const tuning = await waitForTuning(submitted.json().id);
    if (process.env.TUNING_TEST_DEBUG) console.log(JSON.stringify(tuning.trials, null, 1));
    expect(tuning.error).toBeNull();
    expect(tuning.status).toBe('succeeded');
    expect(tuning.trials).toHaveLength(6);
    // Every trial completed or was stopped at a rung; a failure names the trials that did not.
    const unsettled = (tuning.trials as { number: number; state: string; error?: unknown }[]).filter(
      (t) => !['completed', 'stopped'].includes(t.state),
    );
    expect(unsettled).toEqual([]);

    // Exactly one version, the best trial's, recording the search and the trial; the alias points at it.
    const versions = (await api('GET', '/v1/models/iris-tuned/versions')).json();
    expect(versions.items).toHaveLength(1);
    const best = tuning.trials.find((t: { number: number }) => t.number === tuning.bestTrial);
    const completed = tuning.trials.filter((t: { state: string }) => t.state === 'completed');
    expect(best.objective).toBe(Math.min(...completed.map((t: { objective: number }) => t.objective)));
    const version = (await api('GET', '/v1/models/iris-tuned/versions/1')).json();
    expect(version.lineage).toMatchObject({
      trainingJobId: best.trainingJobId,
      tuningJobId: tuning.id,
      tuningTrial: best.number,
    });
    expect(tuning.result).toEqual({ model: 'iris-tuned', version: 1 });
    expect(version.aliases).toEqual(['production']);

    // ASHA: a trailing trial stopped at a rung, before its last epoch, and said so.
    const stopped = tuning.trials.filter((t: { state: string }) => t.state === 'stopped');
    expect(stopped.length).toBeGreaterThan(0);
    for (const trial of stopped) {
      expect(trial.rungs.at(-1).decision).toBe('stop');
      expect(trial.epochsCompleted).toBeLessThan(base.epochs);
      const job = (await api('GET', `/v1/training-jobs/${trial.trainingJobId}`)).json();
      expect(job.status).toBe('cancelled');
      expect(job.error.code).toBe('trial_stopped');
    }

    // Two workers ran two trials at once: some pair of trial runs overlapped in time.
    const runs = await Promise.all(
      tuning.trials.map(async (t: { trainingJobId: string }) => {
        const job = (await api('GET', `/v1/training-jobs/${t.trainingJobId}`)).json();
        return { start: Date.parse(job.startedAt), end: Date.parse(job.finishedAt) };
      }),
    );
    const overlapping = runs.some((a, i) => runs.some((b, j) => i < j && a.start < b.end && b.start < a.end));
    expect(overlapping).toBe(true);

    // The defaults and a hand-picked configuration, on the same split.
    const submit = (modelName: string, model: object) =>
      api('POST', '/v1/training-jobs', { datasetId, target: 'species', modelName, split, model });
    // Both at once, one per worker.
    const [defaultsJob, handPickedJob] = await Promise.all([
      submit('iris-default', { ...base, seed: 5 }),
      submit('iris-hand', { ...base, type: 'mlp', hiddenLayers: [{ units: 16 }], learningRate: 0.003, seed: 5 }),
    ]);
    const [defaults, handPicked] = await Promise.all(
      [defaultsJob, handPickedJob].map((response) => waitForJob(ctx.env, ctx.tenant, response.json().id)),
    );
    expect(defaults.status).toBe('succeeded');
    expect(handPicked.status).toBe('succeeded');
    expect(version.metrics.logLoss).toBeLessThanOrEqual(defaults.metrics.logLoss);
    expect(version.metrics.logLoss).toBeLessThanOrEqual(handPicked.metrics.logLoss);
    expect(version.metrics.accuracy).toBeGreaterThanOrEqual(
      Math.max(defaults.metrics.accuracy, handPicked.metrics.accuracy),
    );
  }, 240_000);

  it('draws the same trials and picks the same best for the same seed and parallelism', async () => {
    const search = (modelName: string) =>
      api('POST', '/v1/tuning-jobs', {
        datasetId,
        target: 'species',
        modelName,
        split,
        model: base,
        searchSpace: {
          learningRate: { type: 'float', min: 1e-3, max: 1, scale: 'log' },
          batchSize: { type: 'choice', values: [8, 16, 32] },
        },
        algorithm: 'tpe',
        maxTrials: 5,
        parallelTrials: 2,
        seed: 23,
      });
    // Both at once on the two workers: which worker runs which trial, and when, differs between them.
    const submitted = await Promise.all([search('iris-repeat-a'), search('iris-repeat-b')]);
    const [a, b] = await Promise.all(submitted.map((response) => waitForTuning(response.json().id)));
    expect(a.status).toBe('succeeded');
    expect(b.status).toBe('succeeded');
    const shape = (job: { trials: Array<Record<string, unknown>> }) =>
      job.trials.map(({ number, params, state, rungs, objective }) => ({ number, params, state, rungs, objective }));
    expect(shape(b)).toEqual(shape(a));
    expect(a.trials).toHaveLength(5);
    expect(b.bestTrial).toBe(a.bestTrial);
  }, 200_000);

  it('cancels a search with all its trials, leaving no version', async () => {
    const submitted = await api('POST', '/v1/tuning-jobs', {
      datasetId,
      target: 'species',
      modelName: 'iris-cancelled',
      split,
      model: { ...base, epochs: 400, earlyStopping: false },
      searchSpace: { learningRate: { type: 'float', min: 1e-4, max: 1e-3, scale: 'log' } },
      trialStopping: false,
      maxTrials: 6,
      parallelTrials: 2,
      seed: 3,
    });
    expect(submitted.statusCode).toBe(202);
    const id = submitted.json().id;
    // Cancel once a trial is under way.
    for (;;) {
      const job = (await api('GET', `/v1/tuning-jobs/${id}`)).json();
      if (job.trials.some((t: { epochsCompleted: number }) => t.epochsCompleted > 0)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const cancel = await api('POST', `/v1/tuning-jobs/${id}/cancel`);
    expect(cancel.statusCode).toBe(200);
    expect(cancel.json().cancelRequested).toBe(true);
    const ended = await waitForTuning(id, 60_000);
    expect(ended.status).toBe('cancelled');
    expect(ended.trials.length).toBeLessThan(6);
    for (const trial of ended.trials) {
      expect(trial.state).toBe('cancelled');
      expect((await waitForJob(ctx.env, ctx.tenant, trial.trainingJobId)).status).toBe('cancelled');
    }
    expect((await api('GET', '/v1/models/iris-cancelled')).statusCode).toBe(404);
    // Cancelling again changes nothing.
    expect((await api('POST', `/v1/tuning-jobs/${id}/cancel`)).json().status).toBe('cancelled');
  }, 120_000);

  it('refuses bad requests with a problem and stores nothing', async () => {
    const bad = [
      { searchSpace: {} },
      { searchSpace: { learningRate: { type: 'float', min: 0, max: 1, scale: 'log' } } },
      { searchSpace: { learningRat: { type: 'float', min: 0.1, max: 1 } } },
      { searchSpace: { epochs: { type: 'int', min: 0, max: 3 } } },
      { searchSpace: { learningRate: { type: 'float', min: 0.1, max: 1 } }, objective: { metric: 'rmse' } },
      { searchSpace: { learningRate: { type: 'float', min: 0.1, max: 1 } }, maxTrials: 100_000 },
      { searchSpace: { learningRate: { type: 'float', min: 0.1, max: 1 } }, split: { validation: 0 } },
    ];
    for (const extra of bad) {
      const response = await api('POST', '/v1/tuning-jobs', {
        datasetId,
        target: 'species',
        modelName: 'iris-bad',
        model: base,
        ...extra,
      });
      expect([400, 422], JSON.stringify(extra)).toContain(response.statusCode);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    const list = (await api('GET', '/v1/tuning-jobs')).json();
    expect(list.items.every((job: { modelName: string }) => job.modelName !== 'iris-bad')).toBe(true);
    expect((await api('GET', '/v1/tuning-jobs/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  }, 60_000);
});
