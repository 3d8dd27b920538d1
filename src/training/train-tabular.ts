import type { z } from 'zod';
import type { ColumnProfile, DatasetRow } from '../datasets/column-profile.ts';
import { UnprocessableError, ValidationError } from '../errors.ts';
import { evaluateModel } from '../evaluation/evaluate-model.ts';
import type { EvaluationMetrics } from '../evaluation/evaluate-model.ts';
import { ensureBackend } from '../ml/backend.ts';
import type { tf } from '../ml/backend.ts';
import { buildModel, resolveModelType } from '../models/build-model.ts';
import type { ResolvedModelType } from '../models/build-model.ts';
import { createModelSpecSchema, defaultModelLimits } from '../models/model-spec.ts';
import type { ModelLimits, ModelSpec, ModelSpecInput } from '../models/model-spec.ts';
import { resolveTask } from '../models/task.ts';
import type { Task } from '../models/task.ts';
import { selectFeatures } from '../preprocessing/feature-selection.ts';
import type { ExcludedColumn, FeatureSelection } from '../preprocessing/feature-selection.ts';
import { inputSchemaOf, outputSchemaOf } from '../preprocessing/preprocessing-state.ts';
import type { InputSchema, OutputSchema, PreprocessingState } from '../preprocessing/preprocessing-state.ts';
import { encodeDataset, fitPreprocessing } from '../preprocessing/tabular-preprocessing.ts';
import type { EncodedSplit } from '../preprocessing/tabular-preprocessing.ts';
import { isPresent } from '../preprocessing/target-encoding.ts';
import { splitRows, splitSpecSchema } from './split.ts';
import type { SplitSpec, SplitSpecInput } from './split.ts';
import { fitModel } from './training-loop.ts';
import type { EpochReport, TrainingHooks } from './training-loop.ts';

export interface TrainTabularInput {
  rows: DatasetRow[];
  columns: ColumnProfile[];
  target: string;
  task?: Task;
  features?: string[];
  split?: SplitSpecInput;
  model: ModelSpecInput;
  /** Caps the model spec is validated against; the defaults when absent. */
  limits?: ModelLimits;
}

/** The resolved hyperparameters: every default filled, the drawn seed and the split recorded. */
export type ResolvedHyperparameters = Omit<ModelSpec, 'type'> & { seed: number; split: SplitSpec & { seed: number } };

export interface TrainTabularResult {
  model: tf.LayersModel;
  preprocessing: PreprocessingState;
  inputSchema: InputSchema;
  outputSchema: OutputSchema;
  /** Metrics on the held-out test split. */
  metrics: EvaluationMetrics;
  history: EpochReport[];
  bestEpoch: number;
  stoppedEarly: boolean;
  hyperparameters: ResolvedHyperparameters;
  modelType: ResolvedModelType;
  task: Task;
  backend: string;
  durationMs: number;
  excludedColumns: ExcludedColumn[];
  rowCounts: { total: number; droppedMissingTarget: number; train: number; validation: number; test: number };
}

/** Everything decided and encoded before training starts. */
export interface PreparedTabular {
  spec: ModelSpec;
  task: Task;
  modelType: ResolvedModelType;
  seed: number;
  split: SplitSpec & { seed: number };
  selection: FeatureSelection;
  preprocessing: PreprocessingState;
  train: EncodedSplit;
  validation: EncodedSplit;
  test: EncodedSplit;
  droppedMissingTarget: number;
}

/**
 * Validates the request and prepares the data: drops rows without a target, splits
 * reproducibly (stratified for classification), fits preprocessing on the training split and
 * encodes all three splits. Throws ValidationError for a bad request and UnprocessableError
 * when the data cannot support it (one class, too few rows, a target that is always missing).
 */
export function prepareTabular(input: TrainTabularInput): PreparedTabular {
  const spec = parseWith(createModelSpecSchema(input.limits ?? defaultModelLimits), input.model, 'model');
  const splitSpec = parseWith(splitSpecSchema, input.split ?? {}, 'split');
  const target = input.columns.find((column) => column.name === input.target);
  if (!target) throw new ValidationError(`The dataset has no column '${input.target}'.`, [{ path: 'target', message: `unknown column '${input.target}'` }]);
  if (spec.earlyStopping && splitSpec.validation === 0) {
    throw new ValidationError('Early stopping watches the validation loss and needs split.validation > 0.', [
      { path: 'model.earlyStopping', message: 'requires split.validation > 0' },
    ]);
  }
  const task = resolveTask(target, input.task);
  const modelType = resolveModelType(spec.type, task);
  const selection = selectFeatures(input.columns, target.name, input.rows.length, input.features);

  const rows = input.rows.filter((row) => isPresent(row[target.name]));
  if (rows.length === 0) {
    throw new UnprocessableError('target_all_missing', `Every value of the target '${target.name}' is missing.`, [{ path: 'target', message: 'always missing' }]);
  }
  const targetValues = rows.map((row) => row[target.name] as string | number | boolean);
  const seed = spec.seed ?? Math.floor(Math.random() * 2 ** 31);
  const split = { ...splitSpec, seed: splitSpec.seed ?? seed };
  const strata = task === 'classification' && split.stratify ? classIndices(targetValues) : undefined;
  const parts = splitRows(rows.length, split, split.seed, strata);
  const pick = (indices: number[]) => indices.map((index) => rows[index] as DatasetRow);
  const preprocessing = fitPreprocessing({
    features: selection.features,
    target,
    task,
    trainingRows: pick(parts.train),
    allTargetValues: targetValues,
    standardizeTarget: spec.standardizeTarget,
  });
  return {
    spec,
    task,
    modelType,
    seed,
    split,
    selection,
    preprocessing,
    train: encodeDataset(preprocessing, pick(parts.train)),
    validation: encodeDataset(preprocessing, pick(parts.validation)),
    test: encodeDataset(preprocessing, pick(parts.test)),
    droppedMissingTarget: input.rows.length - rows.length,
  };
}

/**
 * Trains and evaluates a tabular model end to end (see prepareTabular for the checks): trains
 * with the hooks' progress and cancellation, then measures on the held-out test split.
 */
export async function trainTabular(input: TrainTabularInput, hooks: TrainingHooks = {}): Promise<TrainTabularResult> {
  const started = Date.now();
  const prepared = prepareTabular(input);
  const { spec, task, seed, preprocessing, train, validation, test } = prepared;
  const classes = preprocessing.target.task === 'classification' ? preprocessing.target.labels.length : 1;
  const backend = await ensureBackend();
  const model = buildModel(prepared.modelType, { task, inputWidth: preprocessing.width, classes }, seed, spec.type === 'mlp' ? spec.hiddenLayers : []);
  try {
    const fit = await fitModel(
      model,
      train,
      validation.rows > 0 ? validation : undefined,
      { task, classes, epochs: spec.epochs, batchSize: spec.batchSize, learningRate: spec.learningRate, optimizer: spec.optimizer, l2: spec.l2, earlyStopping: spec.earlyStopping, seed },
      hooks,
    );
    const { type: _type, ...hyperparameters } = spec;
    return {
      model,
      preprocessing,
      inputSchema: inputSchemaOf(preprocessing),
      outputSchema: outputSchemaOf(preprocessing),
      metrics: evaluateModel(model, test, preprocessing.target),
      history: fit.history,
      bestEpoch: fit.bestEpoch,
      stoppedEarly: fit.stoppedEarly,
      hyperparameters: { ...hyperparameters, seed, split: prepared.split },
      modelType: prepared.modelType,
      task,
      backend,
      durationMs: Date.now() - started,
      excludedColumns: prepared.selection.excluded,
      rowCounts: { total: input.rows.length, droppedMissingTarget: prepared.droppedMissingTarget, train: train.rows, validation: validation.rows, test: test.rows },
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** Stratum per row: the class's position in first-seen order (the split sorts strata itself). */
function classIndices(values: (string | number | boolean)[]): number[] {
  const index = new Map<string | number | boolean, number>();
  return values.map((value) => {
    if (!index.has(value)) index.set(value, index.size);
    return index.get(value) as number;
  });
}

/** Parses with zod, reporting failures as a ValidationError with paths under `prefix`. */
function parseWith<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: [prefix, ...issue.path.map(String)].join('.'), message: issue.message }));
  throw new ValidationError(`Invalid ${prefix}: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`, issues);
}
