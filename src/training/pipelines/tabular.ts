import type { DatasetRow } from '../../datasets/column-profile.ts';
import { UnprocessableError, ValidationError } from '../../errors.ts';
import { evaluateModel } from '../../evaluation/evaluate-model.ts';
import { ensureBackend } from '../../ml/backend.ts';
import { buildModel, resolveModelType } from '../../models/build-model.ts';
import type { ResolvedModelType } from '../../models/build-model.ts';
import type { ModelSpec } from '../../models/model-spec.ts';
import { resolveTask } from '../../models/task.ts';
import type { Task } from '../../models/task.ts';
import { selectFeatures } from '../../preprocessing/feature-selection.ts';
import type { FeatureSelection } from '../../preprocessing/feature-selection.ts';
import { inputSchemaOf, outputSchemaOf } from '../../preprocessing/preprocessing-state.ts';
import type { PreprocessingState } from '../../preprocessing/preprocessing-state.ts';
import { encodeDataset, fitPreprocessing } from '../../preprocessing/tabular-preprocessing.ts';
import type { EncodedSplit } from '../../preprocessing/tabular-preprocessing.ts';
import { isPresent } from '../../preprocessing/target-encoding.ts';
import type { TrainingHooks } from '../loop/epoch-loop.ts';
import { splitRows } from './split.ts';
import type { SplitSpec } from './split.ts';
import { fitModel } from '../loop/tabular-loop.ts';
import { drawSeed, parseSpecs, requireValidationForEarlyStopping, resolvedHyperparameters } from './request.ts';
import type { TrainingOutcome, TrainingRequestInput } from './request.ts';

export type { ResolvedHyperparameters } from './request.ts';

/** A tabular training request: the dataset's rows besides the shared fields. */
export interface TrainTabularInput extends TrainingRequestInput {
  rows: DatasetRow[];
}

/** A trained tabular model with its preprocessing and held-out metrics. */
export type TrainTabularResult = TrainingOutcome<PreprocessingState, ResolvedModelType>;

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
  const { spec, splitSpec } = parseSpecs(input);
  const target = input.columns.find((column) => column.name === input.target);
  if (!target) throw new ValidationError(`The dataset has no column '${input.target}'.`, [{ path: 'target', message: `unknown column '${input.target}'` }]);
  requireValidationForEarlyStopping(spec, splitSpec);
  const task = resolveTask(target, input.task);
  const modelType = resolveModelType(spec.type, task);
  const selection = selectFeatures(input.columns, target.name, input.rows.length, input.features);

  const rows = input.rows.filter((row) => isPresent(row[target.name]));
  if (rows.length === 0) {
    throw new UnprocessableError('target_all_missing', `Every value of the target '${target.name}' is missing.`, [{ path: 'target', message: 'always missing' }]);
  }
  const targetValues = rows.map((row) => row[target.name] as string | number | boolean);
  const seed = drawSeed(spec);
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
    return {
      model,
      preprocessing,
      inputSchema: inputSchemaOf(preprocessing),
      outputSchema: outputSchemaOf(preprocessing),
      metrics: evaluateModel(model, test, preprocessing.target),
      history: fit.history,
      bestEpoch: fit.bestEpoch,
      stoppedEarly: fit.stoppedEarly,
      hyperparameters: resolvedHyperparameters(spec, seed, prepared.split),
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
