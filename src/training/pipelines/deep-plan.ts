/**
 * Which training path a request takes, decided from the dataset's column types and the
 * model type alone, so the API can refuse an impossible request before queueing it and the
 * worker takes the same decision later.
 */
import type { ColumnProfile } from '../../datasets/column-profile.ts';
import { UnprocessableError } from '../../errors.ts';
import { sequenceInputSchema } from '../../models/deep-input-spec.ts';
import type { SequenceInputSpec } from '../../models/deep-input-spec.ts';
import { isDeepModelType } from '../../models/model-spec.ts';
import type { ModelSpec } from '../../models/model-spec.ts';
import type { Task } from '../../models/task.ts';
import type { Windowing } from './split.ts';

/** The kind of data a model is trained on. */
export type DataKind = 'tabular' | 'image' | 'text' | 'sequence';

const NUMERIC = new Set(['number', 'integer']);

function refuse(detail: string): UnprocessableError {
  return new UnprocessableError('architecture_incompatible', detail, [{ path: 'model.type', message: detail }]);
}

/** The parts of a request's `model.sequence` that decide which columns are data. */
export interface SeriesColumns {
  timeColumn?: string | undefined;
  seriesColumn?: string | undefined;
}

/** Families that forecast a series when asked to (`model.sequence`) or when the target is all there is. */
const SERIES_CAPABLE = new Set(['linear', 'mlp', 'auto']);

/**
 * Decides the path:
 * - any image column among the features: images (cnn, mlp on flattened pixels, auto = cnn);
 * - a deep type with a text feature: text; without one: numeric sequences, the numeric
 *   target's own past among the windowed values (alone, when it is the only column);
 * - `seasonalNaive`, and `linear`, `mlp` or `auto` given `model.sequence` or a dataset whose
 *   only usable column is a numeric target: numeric sequences (forecasting);
 * - `auto` with a text feature and no numeric or boolean one: text; otherwise tabular.
 * The time and series columns of `sequence` are never features.
 * Throws UnprocessableError (`architecture_incompatible`) for a type that cannot read the data.
 */
export function planDataKind(
  columns: readonly ColumnProfile[],
  target: string,
  modelType: string,
  features?: readonly string[],
  sequence?: SeriesColumns,
): DataKind {
  const structural = new Set([sequence?.timeColumn, sequence?.seriesColumn]);
  const candidates = columns.filter(
    (c) => c.name !== target && !structural.has(c.name) && (features === undefined || features.includes(c.name)),
  );
  const has = (type: string) => candidates.some((c) => c.type === type);
  const numericTarget = columns.some((c) => c.name === target && NUMERIC.has(c.type));
  if (has('image')) {
    if (modelType === 'cnn' || modelType === 'mlp' || modelType === 'auto') return 'image';
    throw refuse(`A ${modelType} model cannot read images; use cnn (or mlp on flattened pixels).`);
  }
  if (isDeepModelType(modelType)) {
    if (has('text')) return 'text';
    if (!candidates.some((c) => NUMERIC.has(c.type)) && !numericTarget)
      throw refuse(
        `A ${modelType} model needs a text column, numeric columns or a numeric target to window as sequences.`,
      );
    return 'sequence';
  }
  const targetOnly = numericTarget && !candidates.some((c) => c.type !== 'datetime');
  if (modelType === 'seasonalNaive' || (SERIES_CAPABLE.has(modelType) && (sequence !== undefined || targetOnly))) {
    if (!numericTarget && modelType !== 'mlp')
      throw new UnprocessableError('model_task_mismatch', `A ${modelType} forecaster needs a numeric target.`, [
        { path: 'target', message: 'not numeric' },
      ]);
    return 'sequence';
  }
  if (modelType === 'auto' && has('text') && !candidates.some((c) => NUMERIC.has(c.type) || c.type === 'boolean'))
    return 'text';
  return 'tabular';
}

/** The first image or text feature column (the one a deep model reads), by kind. */
export function inputColumn(
  columns: readonly ColumnProfile[],
  target: string,
  kind: 'image' | 'text',
  features?: readonly string[],
): ColumnProfile {
  const column = columns.find(
    (c) => c.name !== target && c.type === kind && (features === undefined || features.includes(c.name)),
  );
  if (!column) throw refuse(`The dataset has no ${kind} column among the features.`);
  return column;
}

/**
 * The numeric feature columns windowed by sequence models (the target included when numeric:
 * it is its own history), never the time or series column.
 */
export function sequenceColumns(
  columns: readonly ColumnProfile[],
  target: string,
  features?: readonly string[],
  sequence?: SeriesColumns,
): string[] {
  const numeric = columns.filter(
    (c) =>
      NUMERIC.has(c.type) &&
      c.name !== sequence?.timeColumn &&
      c.name !== sequence?.seriesColumn &&
      (features === undefined ? true : features.includes(c.name) || c.name === target),
  );
  return numeric.map((c) => c.name);
}

/** The request's `model.sequence`, when it has one. */
export function sequenceOf(model: { type: string }): SequenceInputSpec | undefined {
  return 'sequence' in model ? (model.sequence as SequenceInputSpec | undefined) : undefined;
}

/** The request's sequence windows (the defaults when it names none); a regression target is forecast. */
export function sequenceWindowing(model: ModelSpec, task: Task): Windowing {
  const { lookback, horizon, stride } = sequenceOf(model) ?? sequenceInputSchema.parse({});
  return { lookback, horizon, stride, forecast: task === 'regression' };
}
