import type { DatasetRow } from '../../datasets/column-profile.ts';
import { UnprocessableError } from '../../errors.ts';
import { evaluateModel } from '../../evaluation/evaluate-model.ts';
import { plottableEvaluation } from '../../evaluation/tabular-evaluation.ts';
import { sampleBackground } from '../../explanations/background.ts';
import { ensureBackend, type tf } from '../../ml/backend.ts';
import { buildModel } from '../../models/build-model.ts';
import type { ResolvedModelType } from '../../models/build-model.ts';
import type { Task } from '../../models/task.ts';
import type { FeatureSelection } from '../../preprocessing/feature-selection.ts';
import { inputSchemaOf, outputSchemaOf } from '../../preprocessing/preprocessing-state.ts';
import type { PreprocessingState } from '../../preprocessing/preprocessing-state.ts';
import { encodeDataset, fitPreprocessing } from '../../preprocessing/tabular-preprocessing.ts';
import type { EncodedSplit } from '../../preprocessing/tabular-preprocessing.ts';
import { isPresent } from '../../preprocessing/target-encoding.ts';
import type { FitResult, TrainingHooks } from '../loop/epoch-loop.ts';
import { fitModel } from '../loop/tabular-loop.ts';
import { planTraining } from './plan.ts';
import { loopOptions, resolvedHyperparameters, seededSpec } from './request.ts';
import type { SeededSpec, TrainingData, TrainingOutcome, UnvalidatedSpec } from './request.ts';
import { splitRows } from './split.ts';

export type { ResolvedHyperparameters } from './request.ts';

/** A tabular training request: the spec and the dataset's columns and rows. */
export type TabularRequest = UnvalidatedSpec & Required<Pick<TrainingData, 'columns' | 'rows'>>;

/** A trained tabular model with its preprocessing and held-out metrics. */
export type TrainTabularResult = TrainingOutcome<PreprocessingState, ResolvedModelType>;

/** Everything decided and encoded before training starts. */
export interface PreparedTabular {
  /** The validated request, its seed drawn. */
  request: SeededSpec;
  task: Task;
  modelType: ResolvedModelType;
  selection: FeatureSelection;
  preprocessing: PreprocessingState;
  train: EncodedSplit;
  validation: EncodedSplit;
  test: EncodedSplit;
  droppedMissingTarget: number;
}

/**
 * Validates and plans the request (plan.ts) and prepares the data: drops rows without a
 * target, splits reproducibly (stratified for classification), fits preprocessing on the
 * training split and encodes all three splits. Throws ValidationError for a bad request and
 * UnprocessableError when the data cannot support it (one class, too few rows, a target that
 * is always missing).
 */
export function prepareTabular(input: TabularRequest): PreparedTabular {
  const request = seededSpec(input);
  const { target, task, modelType, selection } = planTabular(request, input.columns, input.rows.length);
  const { split } = request;

  const rows = input.rows.filter((row) => isPresent(row[target.name]));
  if (rows.length === 0) {
    throw new UnprocessableError('target_all_missing', `Every value of the target '${target.name}' is missing.`, [
      { path: 'target', message: 'always missing' },
    ]);
  }
  const targetValues = rows.map((row) => row[target.name] as string | number | boolean);
  const strata = task === 'classification' && split.stratify ? classIndices(targetValues) : undefined;
  const parts = splitRows(rows.length, split, split.seed, strata);
  const pick = (indices: number[]) => indices.map((index) => rows[index] as DatasetRow);
  const preprocessing = fitPreprocessing({
    features: selection.features,
    target,
    task,
    trainingRows: pick(parts.train),
    allTargetValues: targetValues,
    standardizeTarget: request.model.standardizeTarget,
  });
  return {
    request,
    task,
    modelType,
    selection,
    preprocessing,
    train: encodeDataset(preprocessing, pick(parts.train)),
    validation: encodeDataset(preprocessing, pick(parts.validation)),
    test: encodeDataset(preprocessing, pick(parts.test)),
    droppedMissingTarget: input.rows.length - rows.length,
  };
}

/** The plan of a tabular run; throws UnprocessableError when the model type does not train on a table. */
export function planTabular(request: SeededSpec, columns: TabularRequest['columns'], rowCount: number) {
  const { target, task, kind, tabular } = planTraining(request, columns, rowCount);
  if (!tabular) {
    throw new UnprocessableError(
      'architecture_incompatible',
      `A ${request.model.type} model trains on ${kind} data, not on a table.`,
      [{ path: 'model.type', message: `trains on ${kind} data` }],
    );
  }
  return { target, task, ...tabular };
}

/** The model a tabular request trains, sized by its fitted preprocessing, and its class count. */
export function tabularModel(
  modelType: ResolvedModelType,
  task: Task,
  preprocessing: PreprocessingState,
  request: SeededSpec,
): { model: tf.Sequential; classes: number } {
  const { model: spec, seed } = request;
  const classes = preprocessing.target.task === 'classification' ? preprocessing.target.labels.length : 1;
  const model = buildModel(
    modelType,
    { task, inputWidth: preprocessing.width, classes },
    seed,
    spec.type === 'mlp' ? spec.hiddenLayers : [],
  );
  return { model, classes };
}

/**
 * What a trained tabular model reports, in memory or streamed alike: its schemas, its metrics
 * on the test split (and the validation split, when there is one), the plottable evaluation, an
 * explanation background sampled from `background`, and the training history.
 */
export function evaluatedTabular(
  model: tf.Sequential,
  preprocessing: PreprocessingState,
  splits: { test: EncodedSplit; validation: EncodedSplit; background: EncodedSplit },
  fit: FitResult,
  request: SeededSpec,
) {
  const { test, validation, background } = splits;
  return {
    model,
    preprocessing,
    inputSchema: inputSchemaOf(preprocessing),
    outputSchema: outputSchemaOf(preprocessing),
    metrics: evaluateModel(model, test, preprocessing.target),
    evaluation: plottableEvaluation(model, test, preprocessing, fit.history, request.seed),
    explanationBackground: sampleBackground(background.x, background.rows, background.width, request.seed),
    validationMetrics: validation.rows > 0 ? evaluateModel(model, validation, preprocessing.target) : undefined,
    history: fit.history,
    bestEpoch: fit.bestEpoch,
    stoppedEarly: fit.stoppedEarly,
    hyperparameters: resolvedHyperparameters(request),
  };
}

/**
 * Trains and evaluates a tabular model end to end (see prepareTabular for the checks): trains
 * with the hooks' progress and cancellation, then measures on the held-out test split.
 */
export async function trainTabular(input: TabularRequest, hooks: TrainingHooks = {}): Promise<TrainTabularResult> {
  const started = Date.now();
  const prepared = prepareTabular(input);
  const { request, task, preprocessing, train, validation, test } = prepared;
  const backend = await ensureBackend();
  const { model, classes } = tabularModel(prepared.modelType, task, preprocessing, request);
  try {
    const fit = await fitModel(
      model,
      train,
      validation.rows > 0 ? validation : undefined,
      {
        ...loopOptions(request),
        task,
        classes,
        targetScale: preprocessing.target.task === 'regression' ? preprocessing.target : undefined,
      },
      hooks,
    );
    return {
      ...evaluatedTabular(model, preprocessing, { test, validation, background: train }, fit, request),
      modelType: prepared.modelType,
      task,
      backend,
      durationMs: Date.now() - started,
      excludedColumns: prepared.selection.excluded,
      rowCounts: {
        total: input.rows.length,
        droppedMissingTarget: prepared.droppedMissingTarget,
        train: train.rows,
        validation: validation.rows,
        test: test.rows,
      },
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
