import { z } from 'zod';
import { labelSchema } from '../../preprocessing/preprocessing-state.ts';
import { modelName } from './training-jobs.ts';

/** The `spec` field of a model import (a JSON string in the multipart body, before the files). */
export const importSpecSchema = z
  .object({
    modelName,
    format: z
      .enum(['tfjs-layers', 'onnx'])
      .describe('`tfjs-layers`: `model.json` and its weight shards; `onnx`: one `model.onnx` (served by ONNX Runtime)'),
    task: z.enum(['classification', 'regression']),
    target: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('The predicted column, for the output schema (default `target`)'),
    labels: z
      .array(labelSchema)
      .min(2)
      .max(1000)
      .optional()
      .describe('Classification without `preprocessing`: the labels in the order of the model\u2019s outputs'),
    features: z
      .array(
        z
          .object({
            name: z.string().min(1).max(200),
            type: z.enum(['number', 'integer', 'boolean']),
            impute: z
              .union([z.number(), z.boolean()])
              .optional()
              .describe('The value a missing feature takes (0 or false)'),
          })
          .strict(),
      )
      .min(1)
      .max(10_000)
      .optional()
      .describe('Without `preprocessing`: the raw features, in the order the model reads them'),
    preprocessing: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('A fitted tabular preprocessing, as `preprocessing.json` of an exported version'),
  })
  .strict()
  .meta({ id: 'ModelImportSpec' });
