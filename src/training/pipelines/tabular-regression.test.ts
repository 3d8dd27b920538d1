import { beforeAll, describe, expect, it } from 'vitest';
import { regressionMetrics } from '../../evaluation/regression-metrics.ts';
import type { RegressionMetrics } from '../../evaluation/regression-metrics.ts';
import { selectBackend } from '../../ml/backend.ts';
import { decodeRegression } from '../../preprocessing/target-encoding.ts';
import { leastSquares } from '../../../test/fixtures/tabular/classical-baselines.ts';
import { loadTabularFixture } from '../../../test/fixtures/tabular/load-tabular-fixture.ts';
import { trainBesideBaseline } from '../../../test/support/tabular-baseline.ts';
import { prepareTabular } from './tabular.ts';
import type { TabularRequest } from './tabular.ts';

beforeAll(async () => {
  await selectBackend('auto');
});

/** Ordinary least squares (normal equations) on exactly the split and encoding ours used, on the original scale. */
function baseline(input: TabularRequest): RegressionMetrics {
  const { train, test, preprocessing } = prepareTabular(input);
  const predict = leastSquares(train.x, train.y, train.rows, train.width);
  const decode = (values: ArrayLike<number>) =>
    Array.from(values, (value) => decodeRegression(preprocessing.target, value));
  return regressionMetrics(decode(test.y), decode(predict(test.x, test.rows)));
}

describe('trainTabular regression on UCI Auto MPG', () => {
  const { rows, columns } = loadTabularFixture('cars');
  const mpgRequest = (model: TabularRequest['model']): TabularRequest => ({
    rows,
    columns,
    target: 'miles_per_gallon',
    model,
  });

  it('matches closed-form least squares with auto -> linear', async () => {
    const input = mpgRequest({ type: 'auto', epochs: 150, learningRate: 0.02, seed: 4 });
    const { result, ours, baseline: ols } = await trainBesideBaseline(input, baseline);
    console.info(
      `cars linear: ours R² ${ours.r2.toFixed(4)} RMSE ${ours.rmse.toFixed(3)}; ` +
        `OLS R² ${ols.r2.toFixed(4)} RMSE ${ols.rmse.toFixed(3)}`,
    );
    expect(result.modelType).toBe('linear');
    expect(result.task).toBe('regression');
    // The name is nearly unique per car and the model year is a date: both left out with a reason.
    expect(result.excludedColumns.map((c) => [c.name, c.reason])).toEqual([
      ['name', 'high_cardinality'],
      ['year', 'datetime'],
    ]);
    expect(result.rowCounts.droppedMissingTarget).toBe(rows.filter((row) => row.miles_per_gallon === null).length);
    expect(result.preprocessing.target).toMatchObject({ task: 'regression', standardized: true });
    expect(ours.r2).toBeGreaterThanOrEqual(ols.r2 - 0.02);
    expect(ours.rmse).toBeLessThanOrEqual(ols.rmse * 1.05);
  });

  it('trains an MLP that is at least as good as least squares', async () => {
    const input = mpgRequest({
      type: 'mlp',
      epochs: 150,
      learningRate: 0.01,
      hiddenLayers: [{ units: 16 }],
      earlyStopping: { patience: 20 },
      seed: 4,
    });
    const { result, ours, baseline: ols } = await trainBesideBaseline(input, baseline);
    console.info(
      `cars mlp: ours R² ${ours.r2.toFixed(4)} RMSE ${ours.rmse.toFixed(3)} (best epoch ${result.bestEpoch}); ` +
        `OLS R² ${ols.r2.toFixed(4)}`,
    );
    expect(ours.r2).toBeGreaterThanOrEqual(ols.r2 - 0.02);
    expect(result.history.length).toBeGreaterThanOrEqual(result.bestEpoch);
  });
});
