import { describe, expect, it } from 'vitest';
import { forecastErrors, forecastMetrics, quantile, residualIntervals, seasonalScale } from './forecast-metrics.ts';

describe('forecast metrics', () => {
  it('computes MAE, RMSE, MAPE (skipping true zeros), sMAPE and MASE by hand', () => {
    const errors = forecastErrors([0, 10, 20], [2, 10, 24], 2);
    expect(errors.mae).toBeCloseTo(2);
    expect(errors.rmse).toBeCloseTo(Math.sqrt((4 + 0 + 16) / 3));
    expect(errors.mape).toBeCloseTo((100 * (0 + 4 / 20)) / 2);
    expect(errors.smape).toBeCloseTo((100 * (2 + 0 + 8 / 44)) / 3);
    expect(errors.mase).toBeCloseTo(1);
    expect(forecastErrors([0, 0], [0, 0], 0)).toMatchObject({ mape: null, smape: 0, mase: null });
  });

  it('splits the errors per step of origin-major forecasts and scores the baselines on the same cut-offs', () => {
    const metrics = forecastMetrics({
      truth: [1, 2, 3, 4],
      predicted: [1, 3, 3, 6],
      naive: [0, 0, 2, 2],
      seasonalNaive: [1, 2, 3, 4],
      horizon: 2,
      season: 1,
      scale: 1,
    });
    expect(metrics.origins).toBe(2);
    expect(metrics.perStep.map((s) => s.mae)).toEqual([0, 1.5]);
    expect(metrics.baselines.seasonalNaive.mae).toBe(0);
    expect(metrics.baselines.naive.mae).toBeCloseTo(1.5);
  });

  it('scales MASE by the in-sample seasonal differences of every series', () => {
    expect(
      seasonalScale(
        [
          [1, 2, 4],
          [10, 10],
        ],
        1,
      ),
    ).toBeCloseTo((1 + 2 + 0) / 3);
    expect(seasonalScale([[1, 2, 4, 8]], 2)).toBeCloseTo((3 + 6) / 2);
  });

  it('takes interval offsets from the quantiles of the errors, per step', () => {
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    const truth = Array.from({ length: 101 }, (_, i) => i);
    const intervals = residualIntervals(truth, new Array(101).fill(50), 1, 0.9);
    expect(intervals.lower[0]).toBeCloseTo(-45);
    expect(intervals.upper[0]).toBeCloseTo(45);
  });
});
