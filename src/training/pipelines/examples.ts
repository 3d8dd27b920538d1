/**
 * Pieces the image and text preparations share: labels in a stable order, a stratified
 * split of examples by class (the tabular split, src/training/pipelines/split.ts), and picking a
 * split's examples with one-hot targets.
 */
import type { Label } from '../../preprocessing/preprocessing-state.ts';
import { splitRows } from './split.ts';
import type { SplitIndices, SplitSpec } from './split.ts';
import type { DeepExamples } from '../loop/deep-loop.ts';

/** Distinct labels sorted (numbers numerically, others by their string form): the model's class order. */
export function sortedLabels(values: readonly Label[]): Label[] {
  return [...new Set(values)].sort((a, b) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0,
  );
}

/** Class index per example, and the stratified (when asked) reproducible split. */
export function splitByClass(
  split: SplitSpec & { seed: number },
  labels: readonly Label[],
  values: readonly Label[],
): { classes: number[]; parts: SplitIndices } {
  const index = new Map(labels.map((label, i) => [label, i]));
  const classes = values.map((value) => index.get(value) ?? 0);
  const parts = splitRows(values.length, split, split.seed, split.stratify ? classes : undefined);
  return { classes, parts };
}

/** The examples at `indices`: `x` rows of `shape` copied from `all`, targets one-hot over `numClasses`. */
export function pickExamples(
  all: Float32Array,
  shape: number[],
  classes: readonly number[],
  numClasses: number,
  indices: readonly number[],
): DeepExamples {
  const size = shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(indices.length * size);
  const y = new Float32Array(indices.length * numClasses);
  indices.forEach((source, i) => {
    x.set(all.subarray(source * size, (source + 1) * size), i * size);
    y[i * numClasses + (classes[source] ?? 0)] = 1;
  });
  return { x, y, count: indices.length, shape, yWidth: numClasses };
}
