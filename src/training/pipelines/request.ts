/**
 * What tabular (tabular.ts) and deep (deep.ts) training share around the loop:
 * the request fields, parsing the model and split specs, the seed, and the result's shape.
 */
import type { z } from 'zod';
import type { ColumnProfile } from '../../datasets/column-profile.ts';
import { ValidationError } from '../../errors.ts';
import type { EvaluationMetrics } from '../../evaluation/evaluate-model.ts';
import type { tf } from '../../ml/backend.ts';
import { createModelSpecSchema, defaultModelLimits } from '../../models/model-spec.ts';
import type { ModelLimits, ModelSpec, ModelSpecInput } from '../../models/model-spec.ts';
import type { Task } from '../../models/task.ts';
import type { ExcludedColumn } from '../../preprocessing/feature-selection.ts';
import type { InputSchema, OutputSchema } from '../../preprocessing/preprocessing-state.ts';
import type { EpochReport } from '../loop/epoch-loop.ts';
import { splitSpecSchema } from './split.ts';
import type { SplitSpec, SplitSpecInput } from './split.ts';

/** The request fields every kind of training takes. */
export interface TrainingRequestInput {
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

/** A trained and evaluated model, whatever its kind; `Preprocessing` and `ModelType` narrow it per kind. */
export interface TrainingOutcome<Preprocessing, ModelType extends string = string> {
  model: tf.LayersModel;
  preprocessing: Preprocessing;
  inputSchema: InputSchema;
  outputSchema: OutputSchema;
  /** Metrics on the held-out test split. */
  metrics: EvaluationMetrics;
  history: EpochReport[];
  bestEpoch: number;
  stoppedEarly: boolean;
  hyperparameters: ResolvedHyperparameters;
  modelType: ModelType;
  task: Task;
  backend: string;
  durationMs: number;
  excludedColumns: ExcludedColumn[];
  rowCounts: { total: number; droppedMissingTarget: number; train: number; validation: number; test: number };
}

/** Parses the request's model and split specs; throws ValidationError with `model.`/`split.` paths. */
export function parseSpecs(input: Pick<TrainingRequestInput, 'model' | 'split' | 'limits'>): { spec: ModelSpec; splitSpec: SplitSpec } {
  return {
    spec: parseWith(createModelSpecSchema(input.limits ?? defaultModelLimits), input.model, 'model'),
    splitSpec: parseWith(splitSpecSchema, input.split ?? {}, 'split'),
  };
}

/** Early stopping watches the validation loss, so it cannot run without a validation split. */
export function requireValidationForEarlyStopping(spec: ModelSpec, splitSpec: SplitSpec): void {
  if (spec.earlyStopping && splitSpec.validation === 0) {
    throw new ValidationError('Early stopping watches the validation loss and needs split.validation > 0.', [{ path: 'model.earlyStopping', message: 'requires split.validation > 0' }]);
  }
}

/** The spec's seed, or a fresh one that the result records so the run can be repeated. */
export function drawSeed(spec: ModelSpec): number {
  return spec.seed ?? Math.floor(Math.random() * 2 ** 31);
}

/** The spec without its type, with the seed and split that were used. */
export function resolvedHyperparameters(spec: ModelSpec, seed: number, split: SplitSpec & { seed: number }): ResolvedHyperparameters {
  const { type: _type, ...hyperparameters } = spec;
  return { ...hyperparameters, seed, split };
}

/** Parses with zod, reporting failures as a ValidationError with paths under `prefix`. */
function parseWith<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: [prefix, ...issue.path.map(String)].join('.'), message: issue.message }));
  throw new ValidationError(`Invalid ${prefix}: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`, issues);
}
