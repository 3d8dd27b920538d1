import { z } from 'zod';

const point = z.tuple([z.number(), z.number()]);

export const versionEvaluationSchema = z
  .object({
    task: z.enum(['classification', 'regression', 'forecast']),
    labels: z.array(z.string()).nullable(),
    confusionMatrix: z
      .object({ labels: z.array(z.string()), counts: z.array(z.array(z.number().int())) })
      .nullable()
      .describe('Rows actual, columns predicted'),
    roc: z
      .array(
        z.object({ label: z.string(), auc: z.number(), points: z.array(point).describe('[fpr, tpr], at most 101') }),
      )
      .nullable(),
    precisionRecall: z
      .array(
        z.object({
          label: z.string(),
          averagePrecision: z.number(),
          points: z.array(point).describe('[recall, precision], at most 101'),
        }),
      )
      .nullable(),
    calibration: z
      .array(
        z.object({
          label: z.string(),
          bins: z.array(z.object({ meanPredicted: z.number(), fractionPositive: z.number(), count: z.number().int() })),
        }),
      )
      .nullable(),
    history: z
      .object({
        epochs: z.array(z.number().int()),
        loss: z.array(z.number()),
        valLoss: z.array(z.number()).nullable(),
        metrics: z.record(z.string(), z.array(z.number())),
      })
      .nullable(),
    residuals: z
      .object({
        histogram: z.object({ edges: z.array(z.number()), counts: z.array(z.number().int()) }),
        points: z.array(point).describe('[actual, predicted], at most 500'),
      })
      .nullable(),
    importance: z
      .object({
        method: z.literal('permutation'),
        metric: z.string(),
        repeats: z.number().int(),
        columns: z.array(z.object({ column: z.string(), mean: z.number(), std: z.number() })),
      })
      .nullable()
      .describe("Permutation importance on the test split, in the dataset's columns, largest mean first"),
  })
  .meta({ id: 'VersionEvaluation' });

/** Most versions one comparison lines up. */
export const MAX_COMPARED_VERSIONS = 10;

export const compareQuery = z.object({
  versions: z
    .string()
    .optional()
    .describe(`Comma-separated version numbers, 1 to ${MAX_COMPARED_VERSIONS} of them, e.g. \`1,2,5\``),
});

export const comparedVersionSchema = z.object({
  version: z.number().int(),
  task: z.string(),
  modelType: z.string(),
  aliases: z.array(z.string()),
  metrics: z.record(z.string(), z.unknown()),
  hyperparameters: z.record(z.string(), z.unknown()),
  dataset: z
    .object({ id: z.string(), name: z.string().nullable(), version: z.number().int().nullable() })
    .nullable()
    .describe('Null for imported versions'),
  trainingJobId: z.string().nullable().describe('Null for imported versions'),
  inputSchema: z.unknown(),
  inputSchemaHash: z.string(),
  outputSchema: z.unknown(),
  backend: z.string(),
  trainingDurationMs: z.number().int(),
  createdAt: z.iso.datetime(),
});

export const compareResponse = z
  .object({ versions: z.array(comparedVersionSchema).describe('In the order asked') })
  .meta({ id: 'VersionComparison' });
