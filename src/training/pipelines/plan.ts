/**
 * What a training request decides, and whether it can work, from the dataset's column
 * profiles and row count alone, before a row is read: the target, the task, the kind of data
 * (deep-plan.ts), the tabular model family and features, and whether the split and the
 * sequence windows leave enough to train on. Submission runs it, so a request that must fail
 * is refused before anything is stored or queued; the pipelines run it again when they start
 * (a job row may predate a check) and train by its answers.
 */
import type { ColumnProfile } from '../../datasets/column-profile.ts';
import { UnprocessableError } from '../../errors.ts';
import { resolveModelType } from '../../models/build-model.ts';
import type { ResolvedModelType } from '../../models/build-model.ts';
import { withAutoDefaults, type ModelSpec } from '../../models/model-spec.ts';
import type { SequenceInputSpec } from '../../models/deep-input-spec.ts';
import { resolveTask } from '../../models/task.ts';
import type { Task } from '../../models/task.ts';
import { unscalableColumn } from '../../preprocessing/feature-encoding.ts';
import { selectFeatures } from '../../preprocessing/feature-selection.ts';
import { calendarFeatureNames } from '../../preprocessing/calendar-features.ts';
import type { FeatureSelection } from '../../preprocessing/feature-selection.ts';
import { planDataKind, sequenceColumns, sequenceOf, sequenceWindowing } from './deep-plan.ts';
import type { DataKind } from './deep-plan.ts';
import type { TrainingSpec } from './request.ts';
import { MIN_TRAINING_ROWS, defaultSplit, requireSplit, splitWindows } from './split.ts';
import type { SplitSpec } from './split.ts';

export interface TrainingPlan {
  target: ColumnProfile;
  task: Task;
  kind: DataKind;
  /** Tabular runs: the family the model type resolves to, and the feature columns. */
  tabular?: { modelType: ResolvedModelType; selection: FeatureSelection };
}

/**
 * Plans `spec` on a dataset of `rowCount` rows with these `columns` (see the file comment).
 * Throws UnprocessableError (ValidationError for unusable requested features) naming the
 * request field at fault, e.g. `model.type`.
 */
export function planTraining(spec: TrainingSpec, columns: ColumnProfile[], rowCount: number): TrainingPlan {
  const target = requireColumns(spec, columns);
  // Refuses a model type that cannot read the data (a transformer on numbers, an lstm on images).
  const sequence = sequenceOf(spec.model);
  const kind = planDataKind(columns, spec.target, spec.model.type, spec.features, sequence);
  const task = resolveTask(target, spec.task);
  if (task === 'classification' && target.distinct < 2) {
    throw new UnprocessableError(
      'single_class_target',
      `The target '${target.name}' has only one class; classification needs at least two.`,
      [{ path: 'target', message: 'one class' }],
    );
  }
  const labelled = rowCount - target.missing;
  if (labelled < MIN_TRAINING_ROWS * 2) {
    throw new UnprocessableError(
      'too_few_rows',
      `The dataset has ${labelled} row(s) with a target; ` +
        `at least ${MIN_TRAINING_ROWS * 2} are needed to train and test.`,
      [{ path: 'datasetId', message: 'too few rows' }],
    );
  }
  const split = spec.split ?? defaultSplit;
  requireValidationForEarlyStopping(withAutoDefaults(spec.model), split);
  // Sequences split windows (below); the others split rows, by class when classifying (images always classify).
  if (kind !== 'sequence')
    requireSplit(labelled, split, split.stratify && (task === 'classification' || kind === 'image'));
  if (kind === 'tabular') {
    const modelType = resolveModelType(spec.model.type, task);
    const selection = selectFeatures(columns, target.name, rowCount, spec.features);
    requireScalable(selection.features, task === 'regression' ? target : undefined, spec.model.standardizeTarget);
    return { target, task, kind, tabular: { modelType, selection } };
  }
  // Image models classify whatever the target; text models need a target that classifies.
  if (kind === 'image' && spec.task === 'regression')
    throw mismatch('Image models classify; regression on images is not supported.');
  if (kind === 'text' && task !== 'classification')
    throw mismatch('Text models classify; choose a categorical or boolean target.');
  if (kind === 'sequence') {
    // A row missing any windowed value is left out, so no more rows than the most complete column's can be windowed.
    if (sequence) requireSeriesSpec(sequence, spec.model.type, columns, target.name);
    if (task !== 'regression' && ['linear', 'seasonalNaive', 'auto'].includes(spec.model.type))
      throw new UnprocessableError('model_task_mismatch', `A ${spec.model.type} forecaster does regression.`, [
        { path: 'task', message: 'must be regression' },
      ]);
    const windowed = new Set([...sequenceColumns(columns, target.name, spec.features, sequence), target.name]);
    const complete = rowCount - Math.max(...columns.filter((c) => windowed.has(c.name)).map((c) => c.missing));
    splitWindows(complete, sequenceWindowing(withAutoDefaults(spec.model), task), split, { atMost: true });
  }
  return { target, task, kind };
}

/** Float32, what models compute in, holds magnitudes up to about 3.4e38. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Numeric features are standardised and so is a regression target unless the request says
 * otherwise: a column whose profile has no finite spread (values near both ends of the double
 * range) cannot be, and an unstandardised target past float32's range becomes Infinity in
 * the model. Either would train to NaN weights, so it is refused here, naming the column.
 */
function requireScalable(features: ColumnProfile[], target: ColumnProfile | undefined, standardizeTarget = true): void {
  const numeric = (column: ColumnProfile) => column.type === 'number' || column.type === 'integer';
  for (const column of [...features, ...(target ? [target] : [])]) {
    if (numeric(column) && (column.std === null || column.mean === null)) throw unscalableColumn(column.name);
  }
  if (target && numeric(target) && !standardizeTarget) {
    const extreme = Math.max(Math.abs(Number(target.min ?? Infinity)), Math.abs(Number(target.max ?? Infinity)));
    if (!(extreme <= FLOAT32_MAX)) {
      throw new UnprocessableError(
        'column_not_scalable',
        `The target '${target.name}' holds values beyond what a model can output (about 3.4e38) ` +
          'unless it is standardised; leave model.standardizeTarget on.',
        [{ path: 'model.standardizeTarget', message: `'${target.name}' needs standardising` }],
      );
    }
  }
}

/**
 * The time and series columns exist and can serve (a time column is a date or a number; the
 * series column is not the target), and a seasonal-naive forecast can see a season back.
 */
function requireSeriesSpec(
  sequence: SequenceInputSpec,
  modelType: string,
  columns: ColumnProfile[],
  target: string,
): void {
  const refuse = (path: string, detail: string) =>
    new UnprocessableError('invalid_series_spec', detail, [{ path: `model.sequence.${path}`, message: detail }]);
  const byName = new Map(columns.map((column) => [column.name, column]));
  const { timeColumn, seriesColumn } = sequence;
  if (timeColumn !== undefined) {
    const column = byName.get(timeColumn);
    if (!column || column.name === target)
      throw refuse('timeColumn', `'${timeColumn}' is not a column of the dataset other than the target.`);
    if (column.type !== 'datetime' && column.type !== 'number' && column.type !== 'integer')
      throw refuse('timeColumn', `The time column '${timeColumn}' holds ${column.type} values, not dates or numbers.`);
  }
  if (sequence.calendarFeatures !== undefined) {
    if (timeColumn === undefined)
      throw refuse(
        'calendarFeatures',
        'Calendar features come from the timestamps of a time column; name it in model.sequence.timeColumn.',
      );
    if (byName.get(timeColumn)?.type !== 'datetime')
      throw refuse(
        'calendarFeatures',
        `The time column '${timeColumn}' holds numbers, not dates, so it has no day of week or month; leave calendarFeatures out.`,
      );
    const names = new Set(calendarFeatureNames({ timeColumn, terms: sequence.calendarFeatures }));
    const clash = columns.find((column) => names.has(column.name));
    if (clash)
      throw refuse('calendarFeatures', `The column '${clash.name}' has the name of a calendar feature; rename it.`);
  }
  if (
    seriesColumn !== undefined &&
    (!byName.has(seriesColumn) || seriesColumn === target || seriesColumn === timeColumn)
  )
    throw refuse('seriesColumn', `'${seriesColumn}' is not a column of the dataset other than the target and time.`);
  if (modelType === 'seasonalNaive' && sequence.season > sequence.lookback)
    throw refuse(
      'season',
      `A seasonal-naive forecast looks ${sequence.season} rows back; lookback must be at least that.`,
    );
}

function mismatch(detail: string): UnprocessableError {
  return new UnprocessableError('model_task_mismatch', detail, [{ path: 'task', message: 'must be classification' }]);
}

/** Early stopping watches the validation loss, so it cannot run without a validation split. */
function requireValidationForEarlyStopping(model: ModelSpec, split: SplitSpec): void {
  if (model.earlyStopping && split.validation === 0) {
    throw new UnprocessableError(
      'early_stopping_without_validation',
      'Early stopping watches the validation loss and needs split.validation > 0.',
      [{ path: 'model.earlyStopping', message: 'requires split.validation > 0' }],
    );
  }
}

/**
 * The target's profile, once the target and every requested feature are known columns and
 * the target is not a feature.
 */
function requireColumns(spec: TrainingSpec, columns: ColumnProfile[]): ColumnProfile {
  const byName = new Map(columns.map((column) => [column.name, column]));
  const target = byName.get(spec.target);
  if (!target) {
    throw new UnprocessableError(
      'unknown_target',
      `The dataset has no column '${spec.target}'; columns are ${columns.map((c) => c.name).join(', ')}.`,
      [{ path: 'target', message: 'no such column' }],
    );
  }
  const unknown = (spec.features ?? []).filter((name) => !byName.has(name));
  if (unknown.length) {
    const issues = unknown.map((name) => ({ path: 'features', message: `no column '${name}'` }));
    throw new UnprocessableError(
      'unknown_features',
      `The dataset has no column(s) ${unknown.map((n) => `'${n}'`).join(', ')}.`,
      issues,
    );
  }
  if (spec.features?.includes(spec.target)) {
    throw new UnprocessableError('target_in_features', 'The target cannot also be a feature.', [
      { path: 'features', message: `contains the target '${spec.target}'` },
    ]);
  }
  return target;
}
