/**
 * Forecast evaluation on the last stretch of a series: at every cut-off (forecast origin) of
 * the test part, the model's next `horizon` values against what happened, step by step, and
 * the naive (last value) and seasonal-naive (the value a season earlier) forecasts from the
 * same cut-offs, so a reader sees at once whether the model beats the obvious.
 *
 * MASE divides the mean absolute error by the in-sample one-step error of the seasonal-naive
 * forecast on the training rows (Hyndman & Koehler; the naive one when the season is 1), so
 * below 1 means better than that baseline was on the past. MAPE skips the true zeros it cannot
 * divide by (null when all are zero); sMAPE counts a step where both values are zero as exact.
 */
import { regressionMetrics } from './regression-metrics.ts';
import type { RegressionMetrics } from './regression-metrics.ts';
import type { ForecastIntervals } from '../preprocessing/deep-state.ts';

/** Errors of one forecaster, over all steps or one. */
export interface ForecastErrors {
  mae: number;
  rmse: number;
  /** Percent; null when every true value is zero. */
  mape: number | null;
  /** Percent, in [0, 200]. */
  smape: number;
  /** Null when the in-sample scale is zero (a constant training series). */
  mase: number | null;
}

export interface ForecastMetrics extends RegressionMetrics, ForecastErrors {
  horizon: number;
  season: number;
  /** How the test part was chosen: the last stretch of every series, one origin per window. */
  evaluation: 'last-stretch';
  origins: number;
  perStep: (ForecastErrors & { step: number })[];
  baselines: { naive: ForecastErrors; seasonalNaive: ForecastErrors };
}

/** Forecasts at the test cut-offs, origin-major: value `origin * horizon + step`. */
export interface ForecastEvaluationInput {
  truth: ArrayLike<number>;
  predicted: ArrayLike<number>;
  naive: ArrayLike<number>;
  seasonalNaive: ArrayLike<number>;
  horizon: number;
  season: number;
  /** The MASE denominator: the in-sample mean absolute seasonal difference of the training rows. */
  scale: number;
}

export function forecastMetrics(input: ForecastEvaluationInput): ForecastMetrics {
  const { truth, predicted, horizon, season, scale } = input;
  const origins = horizon === 0 ? 0 : Math.floor(truth.length / horizon);
  const perStep = Array.from({ length: horizon }, (_, h) => {
    const pick = (values: ArrayLike<number>) => Array.from({ length: origins }, (_, o) => values[o * horizon + h]!);
    return { step: h + 1, ...forecastErrors(pick(truth), pick(predicted), scale) };
  });
  return {
    ...regressionMetrics(truth, predicted),
    ...forecastErrors(truth, predicted, scale),
    horizon,
    season,
    evaluation: 'last-stretch',
    origins,
    perStep,
    baselines: {
      naive: forecastErrors(truth, input.naive, scale),
      seasonalNaive: forecastErrors(truth, input.seasonalNaive, scale),
    },
  };
}

/** MAE, RMSE, MAPE, sMAPE and MASE of `predicted` against `truth` (see the file comment). */
export function forecastErrors(truth: ArrayLike<number>, predicted: ArrayLike<number>, scale: number): ForecastErrors {
  const n = truth.length;
  let absolute = 0;
  let squared = 0;
  let percent = 0;
  let percentCount = 0;
  let symmetric = 0;
  for (let i = 0; i < n; i++) {
    const y = truth[i]!;
    const f = predicted[i]!;
    const error = Math.abs(y - f);
    absolute += error;
    squared += error * error;
    if (y !== 0) {
      percent += error / Math.abs(y);
      percentCount++;
    }
    const denominator = Math.abs(y) + Math.abs(f);
    symmetric += denominator === 0 ? 0 : (2 * error) / denominator;
  }
  const mae = n === 0 ? 0 : absolute / n;
  return {
    mae,
    rmse: n === 0 ? 0 : Math.sqrt(squared / n),
    mape: percentCount === 0 ? null : (100 * percent) / percentCount,
    smape: n === 0 ? 0 : (100 * symmetric) / n,
    mase: scale > 0 ? mae / scale : null,
  };
}

/** Mean absolute difference between each value and the one `season` rows earlier, over every series. */
export function seasonalScale(series: readonly (readonly number[])[], season: number): number {
  let sum = 0;
  let count = 0;
  for (const values of series)
    for (let t = season; t < values.length; t++) {
      sum += Math.abs(values[t]! - values[t - season]!);
      count++;
    }
  return count === 0 ? 0 : sum / count;
}

/**
 * Per step, the (1 - level) / 2 and (1 + level) / 2 quantiles of the held-out errors
 * (truth - forecast): added to a forecast, they bound the truth that often on the test part.
 */
export function residualIntervals(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  horizon: number,
  level: number,
): ForecastIntervals {
  const origins = Math.floor(truth.length / horizon);
  const lower: number[] = [];
  const upper: number[] = [];
  for (let h = 0; h < horizon; h++) {
    const errors = Array.from(
      { length: origins },
      (_, o) => truth[o * horizon + h]! - predicted[o * horizon + h]!,
    ).sort((a, b) => a - b);
    lower.push(quantile(errors, (1 - level) / 2));
    upper.push(quantile(errors, (1 + level) / 2));
  }
  return { level, lower, upper };
}

/** Linear interpolation between order statistics (numpy's default); 0 for no values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}
