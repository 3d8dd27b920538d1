import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetRow } from '../../datasets/column-profile.ts';
import { classificationMetrics } from '../../evaluation/classification-metrics.ts';
import type { ClassificationMetrics } from '../../evaluation/classification-metrics.ts';
import { selectBackend } from '../../ml/backend.ts';
import { logisticNewton } from '../../../test/fixtures/tabular/classical-baselines.ts';
import { loadTabularFixture } from '../../../test/fixtures/tabular/load-tabular-fixture.ts';
import { columnProfile as column } from '../../../test/support/column-profile.ts';
import { trainBesideBaseline } from '../../../test/support/tabular-baseline.ts';
import { prepareTabular, trainTabular } from './tabular.ts';
import type { TabularRequest } from './tabular.ts';

beforeAll(async () => {
  await selectBackend('auto');
});

/** Newton-fitted multinomial logistic regression on exactly the split and encoding ours used. */
function baselineAccuracy(input: TabularRequest): ClassificationMetrics {
  const { train, test, preprocessing } = prepareTabular(input);
  const labels = preprocessing.target.task === 'classification' ? preprocessing.target.labels : [];
  const predict = logisticNewton(train.x, train.y, train.rows, train.width, labels.length);
  return classificationMetrics(labels, Array.from(test.y), predict(test.x, test.rows));
}

/** A request to predict the species of a fixture (iris, penguins) from all its other columns. */
function speciesRequest(fixture: 'iris' | 'penguins', model: TabularRequest['model']): TabularRequest {
  const { rows, columns } = loadTabularFixture(fixture);
  return { rows, columns, target: 'species', model };
}

describe('trainTabular on real datasets', () => {
  it('matches Newton logistic regression on Iris with auto -> logistic', async () => {
    const input = speciesRequest('iris', { type: 'auto', epochs: 120, learningRate: 0.05, seed: 7 });
    const { result, ours, baseline } = await trainBesideBaseline(input, baselineAccuracy);
    console.info(
      `iris: ours accuracy ${ours.accuracy.toFixed(3)} logLoss ${ours.logLoss.toFixed(3)}; ` +
        `baseline accuracy ${baseline.accuracy.toFixed(3)} logLoss ${baseline.logLoss.toFixed(3)}`,
    );
    expect(result.modelType).toBe('logistic');
    expect(result.task).toBe('classification');
    expect(result.outputSchema).toEqual({
      task: 'classification',
      target: 'species',
      labels: ['setosa', 'versicolor', 'virginica'],
    });
    expect(result.rowCounts).toEqual({ total: 150, droppedMissingTarget: 0, train: 105, validation: 15, test: 30 });
    // 30 test rows: one misclassification is 0.033.
    expect(ours.accuracy).toBeGreaterThanOrEqual(baseline.accuracy - 0.04);
    expect(ours.accuracy).toBeGreaterThan(0.85);
    expect(ours.confusionMatrix.matrix.flat().reduce((a, b) => a + b, 0)).toBe(30);
  });

  it('matches Newton logistic regression on Palmer Penguins, with categoricals and missing values', async () => {
    const input = speciesRequest('penguins', { type: 'logistic', epochs: 60, learningRate: 0.05, seed: 3 });
    const { result, ours, baseline } = await trainBesideBaseline(input, baselineAccuracy);
    console.info(
      `penguins: ours accuracy ${ours.accuracy.toFixed(3)} macro F1 ${ours.macro.f1.toFixed(3)}; ` +
        `baseline accuracy ${baseline.accuracy.toFixed(3)} macro F1 ${baseline.macro.f1.toFixed(3)}`,
    );
    expect(result.inputSchema.features.map((f) => f.name)).toEqual([
      'island',
      'beak_length_mm',
      'beak_depth_mm',
      'flipper_length_mm',
      'body_mass_g',
      'sex',
    ]);
    expect(result.inputSchema.features.find((f) => f.name === 'island')?.categories).toEqual([
      'Biscoe',
      'Dream',
      'Torgersen',
    ]);
    expect(ours.accuracy).toBeGreaterThanOrEqual(baseline.accuracy - 0.03);
    expect(ours.macro.f1).toBeGreaterThanOrEqual(baseline.macro.f1 - 0.04);
  });

  it('reproduces the same metrics and weights from the same seed', async () => {
    const input = speciesRequest('iris', {
      type: 'mlp',
      epochs: 8,
      hiddenLayers: [{ units: 6, dropout: 0.2 }],
      seed: 5,
    });
    const first = await trainTabular(input);
    const second = await trainTabular(input);
    const weights = (r: typeof first) => r.model.getWeights().flatMap((w) => Array.from(w.dataSync()));
    expect(second.metrics).toEqual(first.metrics);
    expect(second.history.map((h) => h.loss)).toEqual(first.history.map((h) => h.loss));
    expect(weights(second)).toEqual(weights(first));
    expect(first.hyperparameters).toMatchObject({
      seed: 5,
      epochs: 8,
      optimizer: 'adam',
      split: { test: 0.2, validation: 0.1, seed: 5, stratify: true },
    });
    const other = await trainTabular({ ...input, model: { ...input.model, seed: 6 } });
    expect(weights(other)).not.toEqual(weights(first));
  });
});

describe('trainTabular request and data errors', () => {
  const small = (n: number, label: (i: number) => string | null): DatasetRow[] =>
    Array.from({ length: n }, (_, i) => ({ x: i, y: label(i) }));
  const columns = [column('x', 'integer', 30), column('y', 'categorical', 2)];
  const quick = { type: 'auto', epochs: 1 } as const;

  it('drops rows whose target is missing and reports how many', async () => {
    const { rows, columns: penguinColumns } = loadTabularFixture('penguins');
    const missingSex = rows.filter((row) => row.sex === null).length;
    const result = await trainTabular({ rows, columns: penguinColumns, target: 'sex', model: { ...quick, seed: 1 } });
    expect(missingSex).toBeGreaterThan(0);
    expect(result.rowCounts.droppedMissingTarget).toBe(missingSex);
    expect(result.rowCounts.train + result.rowCounts.validation + result.rowCounts.test).toBe(rows.length - missingSex);
  });

  it('answers 422 for one class, a target always missing and too few rows', async () => {
    await expect(
      trainTabular({ rows: small(30, () => 'a'), columns, target: 'y', model: quick }),
    ).rejects.toMatchObject({ code: 'single_class_target', status: 422 });
    await expect(
      trainTabular({ rows: small(30, () => null), columns, target: 'y', model: quick }),
    ).rejects.toMatchObject({ code: 'target_all_missing', status: 422 });
    await expect(
      trainTabular({ rows: small(3, (i) => (i % 2 ? 'a' : 'b')), columns, target: 'y', model: quick }),
    ).rejects.toMatchObject({ code: 'too_few_rows', status: 422 });
  });

  const refusalsTitle =
    'refuses naming the field: a bad spec (400), an unknown target or feature ' +
    'and early stopping without validation (422)';
  it(refusalsTitle, async () => {
    const rows = small(30, (i) => (i % 2 ? 'a' : 'b'));
    await expect(trainTabular({ rows, columns, target: 'y', model: { type: 'mlp', epochs: 0 } })).rejects.toMatchObject(
      {
        code: 'validation_failed',
        issues: [expect.objectContaining({ path: 'model.epochs' })],
      },
    );
    await expect(trainTabular({ rows, columns, target: 'z', model: quick })).rejects.toMatchObject({
      code: 'unknown_target',
      issues: [expect.objectContaining({ path: 'target' })],
    });
    await expect(trainTabular({ rows, columns, target: 'y', features: ['w'], model: quick })).rejects.toMatchObject({
      code: 'unknown_features',
      issues: [{ path: 'features', message: "no column 'w'" }],
    });
    await expect(
      trainTabular({
        rows,
        columns,
        target: 'y',
        split: { validation: 0 },
        model: { ...quick, earlyStopping: { patience: 2 } },
      }),
    ).rejects.toMatchObject({
      code: 'early_stopping_without_validation',
      status: 422,
      issues: [expect.objectContaining({ path: 'model.earlyStopping' })],
    });
  });
});
