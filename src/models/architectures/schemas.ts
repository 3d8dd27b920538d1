/**
 * Hyperparameters of the deep model families, as zod schemas with bounds. Each family is
 * exported both as a strict schema and as its raw shape, so the training request schema can
 * merge in its own common fields (epochs, optimizer, ...) and stay strict:
 * `z.object({ ...common, ...cnnShape }).strict()`.
 */
import { z } from 'zod';

const activation = z.enum(['relu', 'elu', 'selu', 'tanh']);
const dropout = z.number().min(0).max(0.9);
const denseUnits = z.number().int().min(1).max(1024);

const convBlock = z
  .object({
    filters: z.number().int().min(1).max(256),
    kernelSize: z.number().int().min(1).max(11),
    /** Convolution stride; pooling is the usual way to shrink the map, so 1 by default. */
    strides: z.number().int().min(1).max(4).default(1),
    /** Pooling (size and stride 2) after the convolution. */
    pooling: z.enum(['max', 'avg', 'none']).default('max'),
    dropout: dropout.default(0),
  })
  .strict();

/** Shape of the `cnn` hyperparameters (see the file comment). */
export const cnnShape = {
  type: z.literal('cnn'),
  convBlocks: z
    .array(convBlock)
    .min(1)
    .max(6)
    .default([
      { filters: 16, kernelSize: 3, strides: 1, pooling: 'max', dropout: 0 },
      { filters: 32, kernelSize: 3, strides: 1, pooling: 'max', dropout: 0 },
    ]),
  activation: activation.default('relu'),
  /** How the feature map becomes a vector: keep positions (`flatten`) or average them out. */
  reduce: z.enum(['flatten', 'globalAverage']).default('flatten'),
  denseUnits: z.array(denseUnits).max(4).default([64]),
  denseDropout: dropout.default(0.25),
  /** Token inputs only: size of the learned token vectors fed to the 1-D convolutions. */
  embeddingDim: z.number().int().min(2).max(512).default(32),
};

/** Shape of the `rnn`, `lstm` and `gru` hyperparameters; `type` picks the cell. */
export const recurrentShape = {
  type: z.enum(['rnn', 'lstm', 'gru']),
  /** One entry per stacked recurrent layer. */
  units: z.array(z.number().int().min(1).max(512)).min(1).max(3).default([32]),
  bidirectional: z.boolean().default(false),
  /** Dropout applied after each recurrent layer. */
  dropout: dropout.default(0),
  embeddingDim: z.number().int().min(2).max(512).default(32),
  denseUnits: z.array(denseUnits).max(4).default([]),
};

/** Shape of the `transformer` (encoder) hyperparameters. */
export const transformerShape = {
  type: z.literal('transformer'),
  embedDim: z.number().int().min(4).max(512).default(32),
  numHeads: z.number().int().min(1).max(16).default(2),
  /** Per-head projection size; defaults to embedDim / numHeads (rounded down, at least 1). */
  keyDim: z.number().int().min(1).max(256).optional(),
  ffDim: z.number().int().min(4).max(2048).default(64),
  numBlocks: z.number().int().min(1).max(6).default(1),
  dropout: dropout.default(0.1),
  causal: z.boolean().default(false),
  denseUnits: z.array(denseUnits).max(4).default([]),
};

export const cnnSchema = z.object(cnnShape).strict();
export const recurrentSchema = z.object(recurrentShape).strict();
export const transformerSchema = z.object(transformerShape).strict();

/** Any deep model's hyperparameters, discriminated by `type`. */
export const deepModelSchema = z.union([cnnSchema, recurrentSchema, transformerSchema]);

export type CnnHyperparameters = z.output<typeof cnnSchema>;
export type RecurrentHyperparameters = z.output<typeof recurrentSchema>;
export type TransformerHyperparameters = z.output<typeof transformerSchema>;
export type DeepModelHyperparameters = z.output<typeof deepModelSchema>;
export type DeepModelType = DeepModelHyperparameters['type'];

/** What the model reads, per example. */
export type DeepInput =
  /** Pixels scaled to [0, 1], `[height, width, channels]`. */
  | { kind: 'image'; height: number; width: number; channels: 1 | 3 }
  /** Token ids from a text vectorizer: 0 is padding, 1 out-of-vocabulary. */
  | { kind: 'tokens'; maxLength: number; vocabSize: number }
  /** Numeric windows `[timesteps, features]`. */
  | { kind: 'sequence'; timesteps: number; features: number };

/** What the model predicts: class probabilities (softmax) or `outputs` real values. */
export type DeepTask = { kind: 'classification'; numClasses: number } | { kind: 'regression'; outputs: number };

/** Options common to every builder. */
export interface BuildOptions {
  /** Seeds initialisers and dropout so two builds with the same seed start identical. */
  seed?: number;
}
