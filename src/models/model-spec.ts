import { z } from 'zod';
import { cnnShape, recurrentShape, transformerShape } from './architectures/schemas.ts';
import { deepInputShape, sequenceInputSchema } from './deep-input-spec.ts';

/** Caps on what a training request may ask for; operators can raise or lower them. */
export interface ModelLimits {
  maxEpochs: number;
  maxBatchSize: number;
  maxHiddenLayers: number;
  maxUnits: number;
  maxPatience: number;
  /** The longest time budget an `auto` model search may ask for (seconds); absent: one hour. */
  maxAutoBudgetSeconds?: number;
}

export const defaultModelLimits: ModelLimits = {
  maxEpochs: 1000,
  maxBatchSize: 4096,
  maxHiddenLayers: 8,
  maxUnits: 1024,
  maxPatience: 200,
};

/**
 * Model families for tabular data; `auto` searches the families that fit the data within a time
 * budget (src/tuning/automl.ts), and resolves by task where one family is asked of it (see
 * resolveModelType).
 */
export const modelTypes = ['linear', 'logistic', 'mlp', 'auto'] as const;
export type ModelType = (typeof modelTypes)[number];
/**
 * Deep families, for image, text and sequence data (see src/models/architectures and
 * src/training/pipelines/deep.ts).
 */
export const deepModelTypes = ['cnn', 'rnn', 'lstm', 'gru', 'transformer'] as const;
export type DeepModelTypeName = (typeof deepModelTypes)[number];
/** True for the families trained by the deep path. */
export function isDeepModelType(type: string): type is DeepModelTypeName {
  return (deepModelTypes as readonly string[]).includes(type);
}
export const optimizers = ['sgd', 'momentum', 'adam', 'rmsprop'] as const;
export type OptimizerName = (typeof optimizers)[number];
export const activations = ['relu', 'tanh', 'sigmoid', 'elu', 'selu', 'linear'] as const;

/**
 * A training seed: a non-negative 31-bit integer, what SeededRandom and tfjs initialisers take.
 * Shared with the split specification, whose seed defaults to the model's.
 */
export const seedSchema = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1)
  .optional();

/** An `auto` search's time budget when the request names none (bounded by the operator's cap), and the least one. */
export const DEFAULT_AUTO_BUDGET_SECONDS = 180;
export const MIN_AUTO_BUDGET_SECONDS = 5;

/**
 * Builds the zod schema of a model specification with the given caps. Objects are strict:
 * a misspelt hyperparameter fails instead of being silently ignored. Defaults are filled
 * on parse, except `seed`, which training draws (and records) when absent.
 */
export function createModelSpecSchema(limits: ModelLimits = defaultModelLimits) {
  const maxBudget = Math.max(MIN_AUTO_BUDGET_SECONDS, limits.maxAutoBudgetSeconds ?? 3600);
  const common = {
    epochs: z.number().int().min(1).max(limits.maxEpochs).default(100),
    batchSize: z.number().int().min(1).max(limits.maxBatchSize).default(32),
    learningRate: z.number().gt(0).max(10).default(0.01),
    optimizer: z.enum(optimizers).default('adam'),
    /** L2 penalty on kernels (not biases), added to the loss. */
    l2: z.number().min(0).max(10).default(0),
    /**
     * Stop when validation loss has not improved for `patience` epochs; best weights are restored.
     * On by default whenever there is a validation split (patience scaled to the epochs, see
     * defaultEarlyStopping); `false` opts out.
     */
    earlyStopping: z
      .union([
        z.literal(false),
        z
          .object({
            patience: z.number().int().min(1).max(limits.maxPatience),
            minDelta: z.number().min(0).default(0),
          })
          .strict(),
      ])
      .optional(),
    seed: seedSchema,
    /** Regression only: train on the standardised target (outputs are mapped back). */
    standardizeTarget: z.boolean().default(true),
  };
  const hiddenLayer = z
    .object({
      units: z.number().int().min(1).max(limits.maxUnits),
      activation: z.enum(activations).default('relu'),
      dropout: z.number().min(0).max(0.9).default(0),
    })
    .strict();
  return z.discriminatedUnion('type', [
    // `sequence` makes a linear model an autoregressive forecaster over the target's own past.
    z.object({ type: z.literal('linear'), ...common, sequence: sequenceInputSchema.optional() }).strict(),
    z.object({ type: z.literal('logistic'), ...common }).strict(),
    z
      .object({
        type: z.literal('mlp'),
        ...common,
        hiddenLayers: z
          .array(hiddenLayer)
          .min(1)
          .max(limits.maxHiddenLayers)
          .default([{ units: 32, activation: 'relu', dropout: 0 }]),
        /** Image datasets only: the size pixels are brought to before being flattened. */
        image: deepInputShape.image,
        /** Series only: windows flattened into the layers. */
        sequence: deepInputShape.sequence,
      })
      .strict(),
    // The seasonal-naive forecast (each value is the one a season earlier): a baseline to beat, fitted on nothing.
    z.object({ type: z.literal('seasonalNaive'), ...common, sequence: deepInputShape.sequence }).strict(),
    // The training settings left out are searched (src/tuning/automl.ts); those given are kept.
    z
      .object({
        type: z.literal('auto'),
        ...common,
        learningRate: common.learningRate.unwrap().optional(),
        batchSize: common.batchSize.unwrap().optional(),
        l2: common.l2.unwrap().optional(),
        budgetSeconds: z
          .number()
          .int()
          .min(MIN_AUTO_BUDGET_SECONDS)
          .max(maxBudget)
          .default(Math.min(DEFAULT_AUTO_BUDGET_SECONDS, maxBudget))
          .describe('How long the search may train, in seconds: trials stop there and the best so far is kept'),
        ...deepInputShape,
      })
      .strict(),
    // Deep families: their architecture fields merged with the common training fields and
    // the input preparation (image size, text vocabulary, sequence windows).
    z.object({ ...common, ...cnnShape, ...deepInputShape }).strict(),
    z.object({ ...common, ...recurrentShape, ...deepInputShape }).strict(),
    z.object({ ...common, ...transformerShape, ...deepInputShape }).strict(),
  ]);
}

/** The model specification schema with the default caps. */
export const modelSpecSchema = createModelSpecSchema(defaultModelLimits);
/** A parsed request's specification: defaults filled but the training settings an `auto` search is free to choose. */
export type RequestedModelSpec = z.output<typeof modelSpecSchema>;
/** The settings an `auto` request may leave to the search, and their defaults. */
export const autoSearchedDefaults = { learningRate: 0.01, batchSize: 32, l2: 0 } as const;
type AutoSpec = Extract<RequestedModelSpec, { type: 'auto' }>;
/** A specification as training reads it: every default filled. */
export type ModelSpec =
  | Exclude<RequestedModelSpec, { type: 'auto' }>
  | (Omit<AutoSpec, keyof typeof autoSearchedDefaults> & { learningRate: number; batchSize: number; l2: number });

/** Fills the settings an `auto` request left to the search with their defaults (other specs are returned as they are). */
export function withAutoDefaults(spec: RequestedModelSpec): ModelSpec {
  if (spec.type !== 'auto') return spec;
  return {
    ...spec,
    learningRate: spec.learningRate ?? autoSearchedDefaults.learningRate,
    batchSize: spec.batchSize ?? autoSearchedDefaults.batchSize,
    l2: spec.l2 ?? autoSearchedDefaults.l2,
  };
}
/** What a client may send: defaults optional. */
export type ModelSpecInput = z.input<typeof modelSpecSchema>;
/** A parsed deep specification. */
export type DeepModelSpec = Extract<ModelSpec, { type: DeepModelTypeName }>;
export type HiddenLayerSpec = Extract<ModelSpec, { type: 'mlp' }>['hiddenLayers'][number];
