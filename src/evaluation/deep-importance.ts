/**
 * Global permutation importance of deep models (images, text, sequences), at a bounded cost:
 * on an evenly spread sample of at most DEEP_IMPORTANCE_SAMPLE test examples, with
 * DEEP_IMPORTANCE_REPEATS shuffles per group. The groups are what a person can read off the
 * input: each feature of a sequence (all its time steps together), each region of a grid over
 * an image (all channels), and a text column as a whole (its token ids together).
 */
import type { DeepPreprocessing } from '../preprocessing/deep-state.ts';
import { argmax } from './classification-metrics.ts';
import { permutationImportance, type ColumnSlots } from './permutation-importance.ts';
import type { PermutationImportance } from './plots.ts';

/** Most test examples the importance is measured on. */
export const DEEP_IMPORTANCE_SAMPLE = 256;
/** Shuffles per group: fewer than for tabular models, as a deep model's forward pass costs more. */
export const DEEP_IMPORTANCE_REPEATS = 3;
/** Regions per side of the grid over an image. */
export const IMAGE_GRID = 4;

/** The groups of input slots of one example of `shape` (see the file comment). */
export function deepImportanceGroups(preprocessing: DeepPreprocessing, shape: number[]): ColumnSlots[] {
  const size = shape.reduce((a, b) => a * b, 1);
  const group = (column: string, indices: number[]): ColumnSlots => ({ column, offset: 0, width: size, indices });
  if (preprocessing.kind === 'sequence') {
    const [steps = 1, features = 1] = shape;
    const names = preprocessing.windows.config.features;
    return Array.from({ length: features }, (_, f) =>
      group(
        names.length === features ? names[f]! : `feature ${f + 1}`,
        Array.from({ length: steps }, (_, t) => t * features + f),
      ),
    );
  }
  if (preprocessing.kind === 'image') {
    const [height = 1, width = 1, channels = 1] = shape;
    const side = (length: number) => Math.min(IMAGE_GRID, length);
    const groups: ColumnSlots[] = [];
    for (let r = 0; r < side(height); r++)
      for (let c = 0; c < side(width); c++) {
        const indices: number[] = [];
        const rows = [Math.floor((r * height) / side(height)), Math.floor(((r + 1) * height) / side(height))];
        const cols = [Math.floor((c * width) / side(width)), Math.floor(((c + 1) * width) / side(width))];
        for (let y = rows[0]!; y < rows[1]!; y++)
          for (let x = cols[0]!; x < cols[1]!; x++)
            for (let k = 0; k < channels; k++) indices.push((y * width + x) * channels + k);
        groups.push(group(`${preprocessing.feature} region ${r + 1},${c + 1}`, indices));
      }
    return groups;
  }
  return [
    group(
      preprocessing.feature,
      Array.from({ length: size }, (_, i) => i),
    ),
  ];
}

export interface DeepImportanceInput {
  preprocessing: DeepPreprocessing;
  /** Test examples, row-major `[count, ...shape]`, and targets `[count, yWidth]` (one-hot for classes). */
  x: Float32Array;
  y: Float32Array;
  count: number;
  shape: number[];
  yWidth: number;
  /** The model's outputs for `count` examples. */
  predict(x: Float32Array, count: number): Float32Array;
  /** Regression: scaled values back to the target's units. */
  unscale?(values: Float32Array): number[];
  seed: number;
}

/** Accuracy lost (classification) or RMSE gained (regression) per group; null without test examples. */
export function deepPermutationImportance(input: DeepImportanceInput): PermutationImportance | null {
  const { count, shape, yWidth, preprocessing } = input;
  if (count === 0) return null;
  const size = shape.reduce((a, b) => a * b, 1);
  const sample =
    count <= DEEP_IMPORTANCE_SAMPLE
      ? Array.from({ length: count }, (_, i) => i)
      : Array.from({ length: DEEP_IMPORTANCE_SAMPLE }, (_, i) => Math.floor((i * count) / DEEP_IMPORTANCE_SAMPLE));
  const x = new Float32Array(sample.length * size);
  const y = new Float32Array(sample.length * yWidth);
  sample.forEach((row, i) => {
    x.set(input.x.subarray(row * size, (row + 1) * size), i * size);
    y.set(input.y.subarray(row * yWidth, (row + 1) * yWidth), i * yWidth);
  });
  const rows = sample.length;
  const classification = preprocessing.target.task === 'classification';
  const truth = classification
    ? Array.from({ length: rows }, (_, i) => argmax(y.subarray(i * yWidth, (i + 1) * yWidth)))
    : [];
  const actual = classification ? [] : (input.unscale?.(y) ?? Array.from(y));
  const score = (matrix: Float32Array) => {
    const outputs = input.predict(matrix, rows);
    if (classification) {
      let right = 0;
      for (let i = 0; i < rows; i++) if (argmax(outputs.subarray(i * yWidth, (i + 1) * yWidth)) === truth[i]) right++;
      return right / rows;
    }
    const predicted = input.unscale?.(outputs) ?? Array.from(outputs);
    const mse = actual.reduce((sum, value, i) => sum + (value - predicted[i]!) ** 2, 0) / Math.max(1, actual.length);
    return -Math.sqrt(mse);
  };
  return permutationImportance({
    x,
    rows,
    width: size,
    columns: deepImportanceGroups(preprocessing, shape),
    score,
    metric: classification ? 'accuracy' : 'rmse',
    repeats: DEEP_IMPORTANCE_REPEATS,
    seed: input.seed,
  });
}
