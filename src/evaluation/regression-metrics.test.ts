import { describe, expect, it } from 'vitest';
import { regressionMetrics } from './regression-metrics.ts';

describe('regressionMetrics', () => {
  it('computes MSE, RMSE, MAE and R² on a hand-worked example', () => {
    // errors .5 -.5 0 -1: MSE = 1.5/4 = .375, MAE = 2/4 = .5
    // mean 2.875, SS_tot = .015625 + 11.390625 + .765625 + 17.015625 = 29.1875, R² = 1 - 1.5/29.1875
    const metrics = regressionMetrics([3, -0.5, 2, 7], [2.5, 0, 2, 8]);
    expect(metrics.mse).toBeCloseTo(0.375, 12);
    expect(metrics.rmse).toBeCloseTo(Math.sqrt(0.375), 12);
    expect(metrics.mae).toBeCloseTo(0.5, 12);
    expect(metrics.r2).toBeCloseTo(1 - 1.5 / 29.1875, 12);
    expect(metrics.n).toBe(4);
  });

  it('gives R² 0 for predicting the mean and never NaN on a constant target', () => {
    expect(regressionMetrics([1, 2, 3], [2, 2, 2]).r2).toBeCloseTo(0, 12);
    expect(regressionMetrics([5, 5], [5, 5]).r2).toBe(1);
    expect(regressionMetrics([5, 5], [4, 6]).r2).toBe(0);
  });
});
