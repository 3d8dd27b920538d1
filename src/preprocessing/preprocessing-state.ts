import { z } from 'zod';

/** A class label in its original type: strings stay strings, numbers numbers. */
export const labelSchema = z.union([z.string(), z.number(), z.boolean()]);
export type Label = z.infer<typeof labelSchema>;

const numericEncoderSchema = z
  .object({
    kind: z.literal('numeric'),
    name: z.string(),
    type: z.enum(['number', 'integer']),
    median: z.number(),
    mean: z.number(),
    // Already guarded: a constant column stores 1 so standardising never divides by zero.
    std: z.number().positive(),
  })
  .strict();

const categoricalEncoderSchema = z
  .object({
    kind: z.literal('categorical'),
    name: z.string(),
    /** One-hot columns in this order, followed by one "unknown" column for unseen values. */
    categories: z.array(z.string()),
    mostFrequent: z.string(),
  })
  .strict();

const booleanEncoderSchema = z
  .object({ kind: z.literal('boolean'), name: z.string(), mostFrequent: z.boolean() })
  .strict();

/** How one input feature becomes one or more matrix columns. */
export const featureEncoderSchema = z.discriminatedUnion('kind', [
  numericEncoderSchema,
  categoricalEncoderSchema,
  booleanEncoderSchema,
]);
export type FeatureEncoder = z.infer<typeof featureEncoderSchema>;
export type NumericEncoder = z.infer<typeof numericEncoderSchema>;
export type CategoricalEncoder = z.infer<typeof categoricalEncoderSchema>;
export type BooleanEncoder = z.infer<typeof booleanEncoderSchema>;

/** How the target becomes the training signal, and how model outputs map back. */
export const targetEncodingSchema = z.discriminatedUnion('task', [
  z.object({ task: z.literal('classification'), name: z.string(), labels: z.array(labelSchema).min(2) }).strict(),
  z
    .object({
      task: z.literal('regression'),
      name: z.string(),
      standardized: z.boolean(),
      mean: z.number(),
      std: z.number().positive(),
    })
    .strict(),
]);
export type TargetEncoding = z.infer<typeof targetEncodingSchema>;

/**
 * Everything fitted on the training split, as plain JSON: stored with the model version and
 * applied unchanged to prediction instances.
 */
export const preprocessingStateSchema = z
  .object({
    version: z.literal(1),
    features: z.array(featureEncoderSchema).min(1),
    /** Width of the encoded matrix (sum of every encoder's columns). */
    width: z.number().int().positive(),
    target: targetEncodingSchema,
  })
  .strict();
export type PreprocessingState = z.infer<typeof preprocessingStateSchema>;

/** Validates a stored preprocessing state (e.g. read back from the database). */
export function parsePreprocessingState(json: unknown): PreprocessingState {
  return preprocessingStateSchema.parse(json);
}

/** Number of matrix columns one encoder produces. */
export function encoderWidth(encoder: FeatureEncoder): number {
  return encoder.kind === 'categorical' ? encoder.categories.length + 1 : 1;
}

/** The input contract of a model version: feature names in order, their types and known categories. */
export interface InputSchema {
  features: InputFeature[];
}

export interface InputFeature {
  name: string;
  type: 'number' | 'integer' | 'boolean' | 'categorical';
  /** Categories seen in training; any other value goes to the unknown bucket. */
  categories?: string[];
}

/** The output contract: the task and, for classification, the labels in model-output order. */
export type OutputSchema =
  { task: 'classification'; target: string; labels: Label[] } | { task: 'regression'; target: string };

/** Derives the input schema from fitted encoders. */
export function inputSchemaOf(state: PreprocessingState): InputSchema {
  return {
    features: state.features.map((encoder): InputFeature => {
      if (encoder.kind === 'numeric') return { name: encoder.name, type: encoder.type };
      if (encoder.kind === 'boolean') return { name: encoder.name, type: 'boolean' };
      return { name: encoder.name, type: 'categorical', categories: [...encoder.categories] };
    }),
  };
}

/**
 * Derives the output schema from the target encoding; every kind of preprocessing state
 * (tabular, image, text, sequence) holds one.
 */
export function outputSchemaOf(state: { target: TargetEncoding }): OutputSchema {
  const target = state.target;
  return target.task === 'classification'
    ? { task: 'classification', target: target.name, labels: [...target.labels] }
    : { task: 'regression', target: target.name };
}
