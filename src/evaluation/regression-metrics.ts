export interface RegressionMetrics {
  task: 'regression';
  /** Rows evaluated. */
  n: number;
  mse: number;
  rmse: number;
  mae: number;
  /** Coefficient of determination; 1 for a perfect fit, 0 for predicting the mean. */
  r2: number;
}

/**
 * Regression metrics on the target's original scale. When the true values are constant R²
 * is 1 for a perfect prediction and 0 otherwise (scikit-learn's convention), never NaN.
 */
export function regressionMetrics(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): RegressionMetrics {
  const n = yTrue.length;
  if (yPred.length !== n) throw new Error(`Expected ${n} predictions, got ${yPred.length}`);
  let squared = 0;
  let absolute = 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += (yTrue[i] as number) / n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const error = (yTrue[i] as number) - (yPred[i] as number);
    squared += error * error;
    absolute += Math.abs(error);
    total += ((yTrue[i] as number) - mean) ** 2;
  }
  const mse = n === 0 ? 0 : squared / n;
  const r2 = total === 0 ? (squared === 0 ? 1 : 0) : 1 - squared / total;
  return { task: 'regression', n, mse, rmse: Math.sqrt(mse), mae: n === 0 ? 0 : absolute / n, r2 };
}
