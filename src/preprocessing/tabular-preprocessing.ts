import type { ColumnProfile, DatasetRow } from '../datasets/column-profile.ts';
import { encodeRows, fitFeatureEncoders, matrixWidth, unscalableColumn } from './feature-encoding.ts';
import { encoderWidth, type PreprocessingState } from './preprocessing-state.ts';
import { encodeTargets, fitTargetEncoding } from './target-encoding.ts';
import type { Task } from '../models/task.ts';

export interface FitPreprocessingInput {
  features: ColumnProfile[];
  target: ColumnProfile;
  task: Task;
  /** The training split only; rows whose target is missing were already dropped. */
  trainingRows: DatasetRow[];
  /** Every present target value in the dataset: the label set covers classes that are rare in training. */
  allTargetValues: (string | number | boolean)[];
  standardizeTarget: boolean;
}

/** Fits feature encoders and the target encoding on the training split. */
export function fitPreprocessing(input: FitPreprocessingInput): PreprocessingState {
  const features = fitFeatureEncoders(input.features, input.trainingRows);
  const trainingTargets = input.trainingRows.map((row) => row[input.target.name] as string | number | boolean);
  return {
    version: 1,
    features,
    width: matrixWidth(features),
    target: fitTargetEncoding(
      input.target,
      input.task,
      input.allTargetValues,
      trainingTargets,
      input.standardizeTarget,
    ),
  };
}

/** An encoded split: `x` is row-major `[rows, width]`, `y` holds class indices or scaled targets. */
export interface EncodedSplit {
  x: Float32Array;
  y: Float32Array;
  rows: number;
  width: number;
}

/** Encodes rows whose target is present with a fitted state: the same transform as prediction. */
export function encodeDataset(state: PreprocessingState, rows: DatasetRow[]): EncodedSplit {
  const targets = rows.map((row) => row[state.target.name] as string | number | boolean);
  const x = encodeRows(state.features, rows);
  const y = encodeTargets(state.target, targets);
  requireFinite(x, state.width, (column) => columnAt(state, column));
  requireFinite(y, 1, () => state.target.name);
  return { x, y, rows: rows.length, width: state.width };
}

/**
 * Float32 cannot hold what a column scaled beyond its range: the model would see Infinity and
 * train to NaN weights, so the first such column is refused by name instead.
 */
function requireFinite(values: Float32Array, width: number, nameOf: (column: number) => string): void {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) throw unscalableColumn(nameOf(i % width));
}

/** The feature whose encoder writes matrix column `column`. */
function columnAt(state: PreprocessingState, column: number): string {
  let start = 0;
  for (const encoder of state.features) {
    start += encoderWidth(encoder);
    if (column < start) return encoder.name;
  }
  return state.target.name;
}
