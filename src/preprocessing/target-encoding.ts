import type { CellValue, ColumnProfile } from '../datasets/column-profile.ts';
import { momentsOf } from '../datasets/running-moments.ts';
import { UnprocessableError } from '../errors.ts';
import { unscalableColumn } from './feature-encoding.ts';
import type { Task } from '../models/task.ts';
import type { Label, TargetEncoding } from './preprocessing-state.ts';

/** A target cell that is present (missing cells are dropped before encoding). */
export function isPresent(cell: CellValue | undefined): cell is string | number | boolean {
  if (cell === null || cell === undefined) return false;
  if (typeof cell === 'number') return Number.isFinite(cell);
  return typeof cell !== 'string' || cell !== '';
}

/**
 * Fits the target encoding. Classification keeps labels in their original type, sorted
 * (numbers numerically, strings by code unit, false before true), and needs two or more;
 * regression stores mean and std of the training targets so outputs can be un-standardised.
 */
export function fitTargetEncoding(
  target: ColumnProfile,
  task: Task,
  allValues: (string | number | boolean)[],
  trainingValues: (string | number | boolean)[],
  standardize: boolean,
): TargetEncoding {
  if (task === 'classification') {
    const labels = [...new Set(allValues)].sort(compareLabels);
    if (labels.length < 2) {
      throw new UnprocessableError(
        'single_class_target',
        `The target '${target.name}' has ` +
          `${labels.length === 1 ? `only one class (${String(labels[0])})` : 'no classes'}; ` +
          'classification needs at least two.',
        [{ path: 'target', message: 'needs at least two distinct values' }],
      );
    }
    return { task, name: target.name, labels };
  }
  return regressionEncoding(target.name, momentsOf(trainingValues.map(Number)), standardize);
}

/** A regression target's encoding from the training targets' mean and (population) std. */
export function regressionEncoding(
  name: string,
  { mean, std }: { mean: number; std: number },
  standardize: boolean,
): TargetEncoding {
  if (!Number.isFinite(std)) throw unscalableColumn(name);
  if (!standardize || std < 1e-12) return { task: 'regression', name, standardized: false, mean: 0, std: 1 };
  return { task: 'regression', name, standardized: true, mean, std };
}

/** Class indices (classification) or scaled values (regression) as the model's training signal. */
export function encodeTargets(encoding: TargetEncoding, values: (string | number | boolean)[]): Float32Array {
  if (encoding.task === 'regression')
    return Float32Array.from(values, (value) => (Number(value) - encoding.mean) / encoding.std);
  const index = new Map<Label, number>(encoding.labels.map((label, position) => [label, position]));
  return Float32Array.from(values, (value) => {
    const position = index.get(value);
    if (position === undefined) throw new Error(`Label ${String(value)} is not in the fitted label set`);
    return position;
  });
}

export { decodeRegression } from './target-decoding.ts';

function compareLabels(a: Label, b: Label): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}
