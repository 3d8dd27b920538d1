import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../ml/backend.ts';
import { loadTabularFixture } from '../../test/fixtures/tabular/load-tabular-fixture.ts';
import { trainTabular } from '../training/pipelines/tabular.ts';
import type { TrainingHooks } from '../training/loop/epoch-loop.ts';
import type { RequestedModelSpec } from '../models/model-spec.ts';
import { autoFamilies, searchModel, SearchFruitless, trialPlan, type AutoRequestSpec } from './automl.ts';

beforeAll(async () => {
  await selectBackend('auto');
});

const iris = loadTabularFixture('iris');
const request: AutoRequestSpec = { type: 'auto', epochs: 20, budgetSeconds: 60 };
const families = autoFamilies('tabular', 'classification', request);
const split = { test: 0.2, validation: 0.2, seed: 11 };
const train = (model: RequestedModelSpec, hooks: TrainingHooks) =>
  trainTabular({ ...iris, target: 'species', split, model: model as never }, hooks);

describe('the auto model search', () => {
  it('plans the families that fit the data, searching only what the request left out', () => {
    expect(families.map((f) => f.family)).toEqual(['logistic', 'mlp']);
    expect(autoFamilies('tabular', 'regression', request).map((f) => f.family)).toEqual(['linear', 'mlp']);
    expect(autoFamilies('image', 'classification', request).map((f) => f.family)).toEqual(['cnn', 'mlp']);
    expect(autoFamilies('text', 'classification', request).map((f) => f.family)).toEqual(['cnn', 'gru']);
    expect(Object.keys(families[1]!.space).sort()).toEqual([
      'batchSize',
      'hiddenLayers.0.dropout',
      'hiddenLayers.0.units',
      'l2',
      'learningRate',
    ]);
    const fixed = autoFamilies('tabular', 'classification', { ...request, learningRate: 0.05, batchSize: 16, l2: 0 });
    expect(Object.keys(fixed[0]!.space)).toEqual([]);
    expect(fixed[0]!.base).toMatchObject({ learningRate: 0.05, batchSize: 16 });
    // Nothing left to search for logistic regression: its defaults run once, the MLP's layers are still searched.
    expect(trialPlan(fixed).map(({ family }) => family.family)).toEqual(['logistic', 'mlp', 'mlp', 'mlp', 'mlp']);
  });

  it('tries both families, defaults first, and keeps the best on validation; the same seed gives the same trials', async () => {
    const first = await searchModel(families, train, { seed: 5, budgetMs: Infinity });
    const { record } = first;
    expect(record.trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(record.trials.map((t) => t.family)).toEqual([
      'logistic',
      'mlp',
      'logistic',
      'mlp',
      'logistic',
      'mlp',
      'logistic',
      'mlp',
    ]);
    expect(record.trials[0]!.params).toEqual({});
    expect(record.trials[1]!.params).toEqual({});
    for (const trial of record.trials) {
      expect(['completed', 'stopped', 'failed']).toContain(trial.state);
      if (trial.state !== 'completed') expect(trial.reason).toBeTruthy();
    }
    const completed = record.trials.filter((t) => t.state === 'completed');
    const best = completed.reduce((a, b) => (b.objective! < a.objective! ? b : a));
    expect(record.chosen.trial).toBe(best.number);
    expect(first.result.modelType).toBe(best.family);
    // At least as good on validation as either family's defaults.
    expect(best.objective!).toBeLessThanOrEqual(record.trials[0]!.objective!);
    expect(best.objective!).toBeLessThanOrEqual(record.trials[1]!.objective!);
    expect(record.budgetExhausted).toBe(false);
    first.result.model.dispose();

    const second = await searchModel(families, train, { seed: 5, budgetMs: Infinity });
    second.result.model.dispose();
    expect(second.record.trials.map((t) => [t.family, t.params, t.state])).toEqual(
      record.trials.map((t) => [t.family, t.params, t.state]),
    );
    expect(second.record.chosen.trial).toBe(record.chosen.trial);
  });

  it('stops the trial running when the budget runs out and keeps the best finished one', async () => {
    // A clock that ticks once per look, so the budget counts training steps, not the machine's speed.
    let ticks = 0;
    const now = () => ticks++;
    const { result, record } = await searchModel(families, train, { seed: 5, budgetMs: 250, now });
    result.model.dispose();
    expect(record.budgetExhausted).toBe(true);
    expect(record.trials.length).toBeLessThan(8);
    const last = record.trials.at(-1)!;
    expect(last).toMatchObject({ state: 'stopped', reason: 'budget' });
    const completed = record.trials.filter((t) => t.state === 'completed');
    expect(completed.length).toBeGreaterThan(0);
    expect(record.chosen.trial).toBe(completed.reduce((a, b) => (b.objective! < a.objective! ? b : a)).number);
    expect(record.chosen.reason).toContain('budget ran out');
  });

  it('fails plainly when no trial finishes within the budget', async () => {
    let ticks = 0;
    await expect(searchModel(families, train, { seed: 5, budgetMs: 5, now: () => ticks++ })).rejects.toBeInstanceOf(
      SearchFruitless,
    );
  });
});
