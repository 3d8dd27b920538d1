/**
 * `model.type: "auto"` end to end over the HTTP API with a real worker: on iris with few epochs
 * (where the default learning rate has not got far), the search tries logistic regression and an
 * MLP, records every trial and why it chose the one it did, and the version beats the defaults;
 * bad budgets are refused with a problem and store nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrainingEnv, uploadCsv, waitForJob, type TrainingEnv } from '../support/training.ts';

let ctx: TrainingEnv;
let datasetId: string;
const split = { test: 0.2, validation: 0.2, seed: 11 };

beforeAll(async () => {
  ctx = await createTrainingEnv({ AUTOML_MAX_BUDGET_SECONDS: '600' });
  datasetId = (await uploadCsv(ctx.env, ctx.tenant, 'tabular/iris.csv', 'iris')).id;
}, 60_000);

afterAll(async () => {
  await ctx?.close();
});

const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
  ctx.env.app.inject({ method, url, headers: ctx.tenant.auth, ...(payload ? { payload } : {}) });
const submit = (modelName: string, model: object) =>
  api('POST', '/v1/training-jobs', { datasetId, target: 'species', modelName, split, model });

interface Trial {
  number: number;
  family: string;
  params: Record<string, unknown>;
  state: string;
  objective: number | null;
  reason?: string;
}

describe('auto model search', () => {
  it('tries the tabular families with tuned settings, keeps the best on validation and records why', async () => {
    const submitted = await submit('iris-auto', { type: 'auto', epochs: 9, budgetSeconds: 300, seed: 4 });
    expect(submitted.statusCode).toBe(202);
    const job = await waitForJob(ctx.env, ctx.tenant, submitted.json().id, 300_000);
    expect(job.error).toBeNull();
    expect(job.status).toBe('succeeded');

    const version = (await api('GET', '/v1/models/iris-auto/versions/1')).json();
    const search = version.hyperparameters.automl as {
      families: string[];
      trials: Trial[];
      chosen: { trial: number; family: string; reason: string };
      budgetExhausted: boolean;
    };
    expect(search.families).toEqual(['logistic', 'mlp']);
    expect(search.trials).toHaveLength(8);
    expect(job.progress.automl.trials).toHaveLength(8);
    for (const trial of search.trials) {
      expect(['completed', 'stopped', 'failed']).toContain(trial.state);
      if (trial.state !== 'completed') expect(trial.reason).toBeTruthy();
    }
    // Each family's defaults ran first and were never stopped.
    expect(search.trials.slice(0, 2).map((t) => [t.family, t.params, t.state])).toEqual([
      ['logistic', {}, 'completed'],
      ['mlp', {}, 'completed'],
    ]);
    const completed = search.trials.filter((t) => t.state === 'completed');
    const best = completed.reduce((a, b) => (b.objective! < a.objective! ? b : a));
    expect(search.chosen).toMatchObject({ trial: best.number, family: best.family });
    expect(search.chosen.reason).toContain('validation loss');
    expect(version.modelType).toBe(best.family);
    // The searched settings are the version's own.
    for (const [path, value] of Object.entries(best.params))
      expect(path.split('.').reduce<unknown>((node, key) => (node as never)[key], version.hyperparameters)).toBe(value);

    // The defaults on the same split and epochs do worse.
    const defaults = await waitForJob(
      ctx.env,
      ctx.tenant,
      (await submit('iris-defaults', { type: 'logistic', epochs: 9, seed: 4 })).json().id,
    );
    expect(defaults.status).toBe('succeeded');
    expect(version.metrics.logLoss).toBeLessThanOrEqual(defaults.metrics.logLoss);
  }, 320_000);

  it('refuses bad budgets with a problem and stores nothing', async () => {
    const before = (await api('GET', '/v1/training-jobs')).json().items.length;
    const bad: object[] = [
      { type: 'auto', budgetSeconds: 0 },
      { type: 'auto', budgetSeconds: 2 },
      { type: 'auto', budgetSeconds: 601 },
      { type: 'auto', budgetSeconds: 30.5 },
      { type: 'auto', budgetSeconds: '60' },
      { type: 'logistic', budgetSeconds: 60 },
    ];
    const tooLong = await api('POST', '/v1/training-jobs', {
      datasetId,
      target: 'species',
      modelName: 'iris-bad-budget',
      model: { type: 'auto', budgetSeconds: 120 },
      maxDurationMs: 60_000,
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().issues).toEqual([expect.objectContaining({ path: 'body.model.budgetSeconds' })]);
    for (const model of bad) {
      const response = await submit('iris-bad-budget', model);
      expect(response.statusCode, JSON.stringify(model)).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      const issues = response.json().issues as { path: string }[];
      expect(
        issues.some((issue) => issue.path.startsWith('body.model')),
        JSON.stringify(issues),
      ).toBe(true);
    }
    expect((await api('GET', '/v1/training-jobs')).json().items.length).toBe(before);
    expect((await api('GET', '/v1/models/iris-bad-budget')).statusCode).toBe(404);
  }, 60_000);
});
