/**
 * Which training path a request takes, decided from the dataset's column types and the
 * model type alone, so the API can refuse an impossible request before queueing it and the
 * worker takes the same decision later.
 */
import type { ColumnProfile } from '../../datasets/column-profile.ts';
import { UnprocessableError } from '../../errors.ts';
import { sequenceInputSchema } from '../../models/deep-input-spec.ts';
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

/**
 * Decides the path:
 * - any image column among the features: images (cnn, mlp on flattened pixels, auto = cnn);
 * - a deep type with a text feature: text; without one: numeric sequences (not transformer);
 * - `auto` with a text feature and no numeric or boolean one: text; otherwise tabular.
 * Throws UnprocessableError (`architecture_incompatible`) for a type that cannot read the data.
 */
export function planDataKind(
  columns: readonly ColumnProfile[],
  target: string,
  modelType: string,
  features?: readonly string[],
): DataKind {
  const candidates = columns.filter((c) => c.name !== target && (features === undefined || features.includes(c.name)));
  const has = (type: string) => candidates.some((c) => c.type === type);
  if (has('image')) {
    if (modelType === 'cnn' || modelType === 'mlp' || modelType === 'auto') return 'image';
    throw refuse(`A ${modelType} model cannot read images; use cnn (or mlp on flattened pixels).`);
  }
  if (isDeepModelType(modelType)) {
    if (has('text')) return 'text';
    if (modelType === 'transformer')
      throw refuse('The transformer reads text; this dataset has no text column among the features.');
    if (!candidates.some((c) => NUMERIC.has(c.type)))
      throw refuse(`A ${modelType} model needs a text column or numeric columns to window as sequences.`);
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
 * it is its own history).
 */
export function sequenceColumns(
  columns: readonly ColumnProfile[],
  target: string,
  features?: readonly string[],
): string[] {
  const numeric = columns.filter(
    (c) => NUMERIC.has(c.type) && (features === undefined ? true : features.includes(c.name) || c.name === target),
  );
  return numeric.map((c) => c.name);
}

/** The request's sequence windows (the defaults when it names none); a regression target is forecast. */
export function sequenceWindowing(model: ModelSpec, task: Task): Windowing {
  const { lookback, horizon, stride } =
    'sequence' in model && model.sequence ? model.sequence : sequenceInputSchema.parse({});
  return { lookback, horizon, stride, forecast: task === 'regression' };
}
