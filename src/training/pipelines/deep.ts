/**
 * Training of deep models (images, text, numeric sequences): each kind prepares its
 * examples and preprocessing (train-images.ts, train-text.ts, train-sequences.ts); this file
 * builds the model, trains it with the deep loop and evaluates it on the held-out test split
 * with the same metrics as tabular models, returning the shape trainTabular returns.
 */
import type { DatasetRow } from '../../datasets/column-profile.ts';
import type { DeepInput, DeepTask } from '../../models/architectures/schemas.ts';
import type { DeepPreprocessing } from '../../preprocessing/deep-state.ts';
import type { LabelledImage } from '../../datasets/image-archive.ts';
import { classificationMetrics } from '../../evaluation/classification-metrics.ts';
import type { EvaluationMetrics } from '../../evaluation/evaluate-model.ts';
import { regressionMetrics } from '../../evaluation/regression-metrics.ts';
import { ensureBackend } from '../../ml/backend.ts';
import type { tf } from '../../ml/backend.ts';
import type { ModelSpec } from '../../models/model-spec.ts';
import type { Task } from '../../models/task.ts';
import type { ExcludedColumn } from '../../preprocessing/feature-selection.ts';
import type { InputSchema, OutputSchema } from '../../preprocessing/preprocessing-state.ts';
import { fitDeepModel, predictExamples } from '../loop/deep-loop.ts';
import type { DeepExamples } from '../loop/deep-loop.ts';
import type { TrainingHooks } from '../loop/epoch-loop.ts';
import type { SplitSpec } from './split.ts';
import type { DataKind } from './deep-plan.ts';
import { prepareImages } from './images.ts';
import { prepareSequences } from './sequences.ts';
import { prepareText } from './text.ts';
import { drawSeed, parseSpecs, requireValidationForEarlyStopping, resolvedHyperparameters } from './request.ts';
import type { TrainingOutcome, TrainingRequestInput } from './request.ts';

/** A deep training request: the data kind and its images or rows besides the shared fields. */
export interface TrainDeepInput extends TrainingRequestInput {
  kind: Exclude<DataKind, 'tabular'>;
  /** Image datasets from a ZIP archive. */
  images?: LabelledImage[];
  /** Text, sequence, and base64-image CSV/NDJSON datasets, in file (time) order. */
  rows?: DatasetRow[];
}

/** The parsed request every preparation receives. */
export interface DeepRequest extends Omit<TrainDeepInput, 'model' | 'split'> {
  spec: ModelSpec;
  split: SplitSpec & { seed: number };
  seed: number;
}

/** What a preparation hands back: examples, preprocessing, and how to build the model. */
export interface PreparedDeep {
  task: Task;
  /** The concrete family trained (auto resolved; mlp for flattened images). */
  modelType: string;
  input: DeepInput;
  deepTask: DeepTask;
  build(seed: number): tf.LayersModel;
  preprocessing: DeepPreprocessing;
  inputSchema: InputSchema;
  outputSchema: OutputSchema;
  train: DeepExamples;
  validation: DeepExamples;
  test: DeepExamples;
  excludedColumns: ExcludedColumn[];
  /** Examples before splitting, and the rows dropped for a missing target or value. */
  total: number;
  dropped: number;
  /** Scaled model outputs back to the target's units (regression only). */
  unscale?(values: Float32Array): number[];
}

/** A trained deep model: the fields of TrainTabularResult, with deep model types and preprocessing. */
export type TrainDeepResult = TrainingOutcome<DeepPreprocessing>;

/** Validates the request, prepares the data of its kind, trains and evaluates. */
export async function trainDeep(input: TrainDeepInput, hooks: TrainingHooks = {}): Promise<TrainDeepResult> {
  const started = Date.now();
  const { spec, splitSpec } = parseSpecs(input);
  requireValidationForEarlyStopping(spec, splitSpec);
  const seed = drawSeed(spec);
  const request: DeepRequest = { ...input, spec, seed, split: { ...splitSpec, seed: splitSpec.seed ?? seed } };
  const backend = await ensureBackend();
  const prepared = input.kind === 'image' ? prepareImages(request) : input.kind === 'text' ? prepareText(request) : prepareSequences(request);
  const model = prepared.build(seed);
  try {
    const fit = await fitDeepModel(
      model,
      prepared.train,
      prepared.validation.count > 0 ? prepared.validation : undefined,
      {
        loss: prepared.deepTask.kind === 'classification' ? 'categoricalCrossentropy' : 'meanSquaredError',
        epochs: spec.epochs, batchSize: spec.batchSize, learningRate: spec.learningRate, optimizer: spec.optimizer, l2: spec.l2, earlyStopping: spec.earlyStopping, seed,
      },
      hooks,
    );
    return {
      model,
      preprocessing: prepared.preprocessing,
      inputSchema: prepared.inputSchema,
      outputSchema: prepared.outputSchema,
      metrics: evaluateDeep(model, prepared),
      history: fit.history,
      bestEpoch: fit.bestEpoch,
      stoppedEarly: fit.stoppedEarly,
      hyperparameters: resolvedHyperparameters(spec, seed, request.split),
      modelType: prepared.modelType,
      task: prepared.task,
      backend,
      durationMs: Date.now() - started,
      excludedColumns: prepared.excludedColumns,
      rowCounts: { total: prepared.total, droppedMissingTarget: prepared.dropped, train: prepared.train.count, validation: prepared.validation.count, test: prepared.test.count },
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** Held-out metrics: classification on one-hot targets, regression on every forecast value in the target's units. */
export function evaluateDeep(model: tf.LayersModel, prepared: PreparedDeep): EvaluationMetrics {
  const { test } = prepared;
  const outputs = predictExamples(model, test.x, test.count, test.shape);
  const target = prepared.preprocessing.target;
  if (target.task === 'classification') {
    const width = test.yWidth;
    const truth = Array.from({ length: test.count }, (_, i) => test.y.subarray(i * width, (i + 1) * width).indexOf(1));
    const probabilities = Array.from({ length: test.count }, (_, i) => Array.from(outputs.subarray(i * width, (i + 1) * width)));
    return classificationMetrics(target.labels, truth, probabilities);
  }
  const unscale = prepared.unscale ?? ((values: Float32Array) => Array.from(values));
  return regressionMetrics(unscale(test.y), unscale(outputs));
}
