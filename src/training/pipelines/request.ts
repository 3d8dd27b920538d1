/**
 * The training request. One zod schema validates the body of POST /v1/training-jobs and, cut
 * to the fields a run reads, the spec a worker takes from the job row (STYLE.md habit 4): its
 * types flow from the route to the pipelines, narrowed where a stage needs less. Besides, what
 * the tabular (tabular.ts) and deep (deep.ts) pipelines share around the loop: the seed, the
 * resolved hyperparameters and the shape of a trained result.
 */
import { z } from 'zod';
import type { ColumnProfile, DatasetRow } from '../../datasets/column-profile.ts';
import type { LabelledImage } from '../../datasets/image-archive.ts';
import { ValidationError } from '../../errors.ts';
import type { EvaluationMetrics } from '../../evaluation/evaluate-model.ts';
import type { ExplanationBackground } from '../../explanations/background.ts';
import type { tf } from '../../ml/backend.ts';
import { createModelSpecSchema, defaultModelLimits, withAutoDefaults } from '../../models/model-spec.ts';
import type { ModelLimits, ModelSpec } from '../../models/model-spec.ts';
import type { AnyPreprocessing } from '../../preprocessing/deep-state.ts';
import { modelNameSchema } from '../../registry/model-name.ts';
import type { TrainedVersion } from '../../registry/register-version.ts';
import type { EpochReport, LoopOptions } from '../loop/epoch-loop.ts';
import { defaultSplit, splitSpecSchema } from './split.ts';
import type { SplitSpec } from './split.ts';

/** Caps on a request: the model's, and the longest a job may run. */
export interface RequestLimits extends ModelLimits {
  maxDurationMs: number;
}

/** The training request schema with the given caps. */
export function trainingRequestSchema(limits: RequestLimits) {
  return z
    .object({
      datasetId: z.uuid(),
      target: z.string().min(1),
      modelName: modelNameSchema,
      task: z.enum(['classification', 'regression']).optional(),
      features: z.array(z.string().min(1)).min(1).optional(),
      split: splitSpecSchema.optional(),
      model: createModelSpecSchema(limits),
      maxDurationMs: z
        .number()
        .int()
        .min(1_000)
        .max(limits.maxDurationMs)
        .optional()
        .describe('The job fails when it runs longer than this'),
    })
    .strict();
}
type TrainingRequestSchema = ReturnType<typeof trainingRequestSchema>;

/** A validated training request: what the route hands to submission. */
export type TrainingRequest = z.output<TrainingRequestSchema>;

/** The fields a run reads; the job's own (dataset, model name, time limit) stay on the job row. */
const specFields = { target: true, task: true, features: true, split: true, model: true } as const;
export type TrainingSpec = Pick<TrainingRequest, keyof typeof specFields>;
/** The same fields before validation: a job row (written by an older version, or by hand), a test's shorthand. */
export type UnvalidatedSpec = Pick<z.input<TrainingRequestSchema>, keyof typeof specFields>;

/** A validated spec with its randomness fixed: the seed used, and the split with its own. */
export type SeededSpec = Omit<TrainingSpec, 'split' | 'model'> & {
  model: ModelSpec;
  split: SplitSpec & { seed: number };
  seed: number;
};

/**
 * The dataset a run trains on: its stored column profiles, and its rows (CSV, NDJSON, in file
 * order) or images (ZIP).
 */
export interface TrainingData {
  columns: ColumnProfile[];
  rows?: DatasetRow[];
  images?: LabelledImage[];
  /** Pixels one image may declare; a larger one is left out, as an undecodable one is. */
  maxImagePixels?: number;
}

// The worker validates against the default caps, as it did before the API had its own.
const specSchema = trainingRequestSchema({
  ...defaultModelLimits,
  maxDurationMs: Number.MAX_SAFE_INTEGER,
  maxAutoBudgetSeconds: Number.MAX_SAFE_INTEGER,
}).pick(specFields);

/**
 * Validates `input` with the request's schema (throwing ValidationError with `model.`/`split.`
 * paths) and fixes its randomness: the spec's seed, or a fresh one that the result records so
 * the run can be repeated; the split's seed defaults to it.
 */
export function seededSpec({ target, task, features, split: requestedSplit, model }: UnvalidatedSpec): SeededSpec {
  // Only the spec's fields: callers hand it with their data (rows, columns) alongside.
  const parsed = specSchema.safeParse({ target, task, features, split: requestedSplit, model });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    }));
    throw new ValidationError(
      `Invalid training request: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
      issues,
    );
  }
  const spec = { ...parsed.data, model: withAutoDefaults(parsed.data.model) };
  const seed = spec.model.seed ?? Math.floor(Math.random() * 2 ** 31);
  const split = spec.split ?? defaultSplit;
  // The epoch count is an upper bound: with a validation split, training stops once it stops improving.
  const earlyStopping =
    spec.model.earlyStopping === undefined && split.validation > 0
      ? defaultEarlyStopping(spec.model.epochs)
      : spec.model.earlyStopping;
  return { ...spec, model: { ...spec.model, earlyStopping }, seed, split: { ...split, seed: split.seed ?? seed } };
}

/**
 * Early stopping when the request names none: patience a tenth of the epochs, between 3 and 20
 * (10 for the default 100), no minimum improvement.
 */
export function defaultEarlyStopping(epochs: number): { patience: number; minDelta: number } {
  return { patience: Math.min(20, Math.max(3, Math.round(epochs / 10))), minDelta: 0 };
}

/** The resolved hyperparameters: every default filled, the drawn seed and the split recorded. */
export type ResolvedHyperparameters = Omit<ModelSpec, 'type'> & { seed: number; split: SplitSpec & { seed: number } };

/** The spec's model without its type, with the seed and split that were used. */
export function resolvedHyperparameters(spec: SeededSpec): ResolvedHyperparameters {
  const { type: _type, ...hyperparameters } = spec.model;
  return { ...hyperparameters, seed: spec.seed, split: spec.split };
}

/** What the training loop takes of the spec. */
export function loopOptions({ model, seed }: SeededSpec): LoopOptions {
  const { epochs, batchSize, learningRate, optimizer, l2, earlyStopping } = model;
  return { epochs, batchSize, learningRate, optimizer, l2, earlyStopping: earlyStopping || undefined, seed };
}

/**
 * A trained and evaluated model, whatever its kind: the version registration stores, with the
 * model itself and its epochs; `Preprocessing` and `ModelType` narrow it per kind.
 */
export type TrainingOutcome<Preprocessing extends AnyPreprocessing, ModelType extends string = string> = TrainedVersion<
  Preprocessing,
  ModelType
> & {
  model: tf.LayersModel;
  metrics: EvaluationMetrics;
  /** The same metrics on the validation split (absent without one): what a tuning job ranks trials by. */
  validationMetrics?: EvaluationMetrics;
  hyperparameters: ResolvedHyperparameters;
  history: EpochReport[];
  /** Encoded training rows that tabular explanations are measured against, stored in the artifact. */
  explanationBackground?: ExplanationBackground;
};
