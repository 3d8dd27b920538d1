/**
 * Global permutation importance: how much a held-out score drops when one column's values are
 * shuffled across rows, breaking its link to the target while keeping its distribution. The
 * shuffle moves a column's whole slot group (its one-hot columns together), so the importance
 * is in the dataset's own columns. Repeated with seeded shuffles; mean and standard deviation.
 */
import { SeededRandom } from '../ml/seeded-random.ts';
import type { PermutationImportance } from './plots.ts';

/** The encoded matrix slots one dataset column occupies. */
export interface ColumnSlots {
  column: string;
  offset: number;
  width: number;
  /** Scattered slots (a region of an image, a feature at every time step): these, not offset and width. */
  indices?: number[];
}

export interface PermutationInput {
  /** Row-major encoded matrix, `rows * width` floats. */
  x: Float32Array;
  rows: number;
  width: number;
  columns: ColumnSlots[];
  /** The score of a matrix of the same shape; higher is better (negate errors). */
  score: (x: Float32Array) => number;
  /** Name of the score as reported (e.g. 'accuracy', 'rmse'). */
  metric: string;
  repeats: number;
  seed: number;
}

/** Mean drop in score per column over `repeats` shuffles, with its standard deviation; sorted by mean desc. */
export function permutationImportance(input: PermutationInput): PermutationImportance {
  const { x, rows, width, columns, score, repeats } = input;
  const random = new SeededRandom(input.seed);
  const reference = score(x);
  const shuffled = new Float32Array(x.length);
  const result = columns.map(({ column, offset, width: slots, indices }) => {
    const drops: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const order = random.shuffle(Array.from({ length: rows }, (_, i) => i));
      shuffled.set(x);
      for (let row = 0; row < rows; row++) {
        const from = order[row]! * width;
        if (indices) for (const at of indices) shuffled[row * width + at] = x[from + at]!;
        else shuffled.set(x.subarray(from + offset, from + offset + slots), row * width + offset);
      }
      drops.push(reference - score(shuffled));
    }
    const mean = drops.reduce((sum, d) => sum + d, 0) / repeats;
    const variance = drops.reduce((sum, d) => sum + (d - mean) ** 2, 0) / repeats;
    return { column, mean, std: Math.sqrt(variance) };
  });
  result.sort((a, b) => b.mean - a.mean);
  return { method: 'permutation', metric: input.metric, repeats, columns: result };
}
