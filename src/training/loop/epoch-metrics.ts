/**
 * The model's metric after each epoch, on the training split and on the validation split,
 * for the curves a person watches while a job trains: accuracy for classification, mean
 * absolute error (in the target's units) for regression. The training side is measured on an
 * evenly spread sample of at most TRAIN_METRIC_SAMPLE examples, without dropout, so an epoch
 * of a large dataset pays for one small forward pass more.
 */

/** Most training examples the per-epoch training metric is measured on. */
export const TRAIN_METRIC_SAMPLE = 1024;

export type EpochMetricKind = 'accuracy' | 'mae';

/** How a loop measures its metric: which one, and how model outputs map to the target's units. */
export interface EpochMetricSpec {
  kind: EpochMetricKind;
  /** Regression: scaled outputs and targets back to the target's units (identity when absent). */
  toTargetUnits?: (values: Float32Array) => ArrayLike<number>;
}

/** The names an epoch report carries: `accuracy` and `valAccuracy`, or `mae` and `valMae`. */
export const metricNames = (kind: EpochMetricKind) =>
  kind === 'accuracy' ? { train: 'accuracy', validation: 'valAccuracy' } : { train: 'mae', validation: 'valMae' };

/** `count` indices spread evenly over `0..total-1` (all of them when total <= max), in order. */
export function sampleIndices(total: number, max = TRAIN_METRIC_SAMPLE): number[] {
  if (total <= max) return Array.from({ length: total }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.floor((i * total) / max));
}

/** Rows `indices` of a row-major matrix whose rows are `size` wide. */
export function gatherRows(values: Float32Array, size: number, indices: number[]): Float32Array {
  const out = new Float32Array(indices.length * size);
  indices.forEach((row, i) => out.set(values.subarray(row * size, (row + 1) * size), i * size));
  return out;
}

/**
 * The metric of `predicted` against `target`, both row-major with `width` values per example:
 * accuracy by arg-max (or by the 0.5 threshold for one sigmoid output), or the mean absolute
 * error over every value. NaN for no examples.
 */
export function epochMetric(
  spec: EpochMetricSpec,
  predicted: Float32Array,
  target: Float32Array,
  width: number,
): number {
  const count = Math.floor(target.length / Math.max(1, width));
  if (count === 0) return NaN;
  if (spec.kind === 'mae') {
    const p = spec.toTargetUnits ? spec.toTargetUnits(predicted) : predicted;
    const y = spec.toTargetUnits ? spec.toTargetUnits(target) : target;
    let sum = 0;
    for (let i = 0; i < y.length; i++) sum += Math.abs(p[i]! - y[i]!);
    return sum / y.length;
  }
  let right = 0;
  for (let row = 0; row < count; row++) {
    if (width === 1) {
      if (predicted[row]! >= 0.5 === target[row]! >= 0.5) right++;
      continue;
    }
    const at = row * width;
    let best = 0;
    let truth = 0;
    for (let k = 1; k < width; k++) {
      if (predicted[at + k]! > predicted[at + best]!) best = k;
      if (target[at + k]! > target[at + truth]!) truth = k;
    }
    if (best === truth) right++;
  }
  return right / count;
}
