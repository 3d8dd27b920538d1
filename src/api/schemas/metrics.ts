import { z } from 'zod';

/**
 * The evaluation metrics a job and its version carry (src/evaluation), typed as far as they
 * are known so generated clients see them; which members are present depends on the task
 * (classification, regression, forecast), and the object stays open for metrics added later.
 */
/** A metric's value; null where it came out non-finite (JSON has no NaN). */
const value = z.number().nullable();
const averaged = z.object({ precision: value, recall: value, f1: value });
const label = z.union([z.string(), z.number(), z.boolean()]);
const forecastErrors = z.object({
  mae: value,
  rmse: value,
  mape: z.number().nullable().describe('Percent; null when every true value is zero'),
  smape: value,
  mase: z.number().nullable(),
});

export const evaluationMetricsSchema = z
  .object({
    task: z.enum(['classification', 'regression']).optional(),
    n: z.number().int().optional().describe('Rows evaluated (the held-out test split)'),
    // classification
    accuracy: value.optional(),
    logLoss: value.optional(),
    rocAuc: z.number().nullable().optional(),
    macro: averaged.optional(),
    weighted: averaged.optional(),
    perClass: z
      .array(averaged.extend({ label, support: z.number().int() }))
      .optional()
      .describe('Per class, with the rows whose true class it is (support)'),
    confusionMatrix: z
      .object({ labels: z.array(label), matrix: z.array(z.array(z.number())) })
      .optional()
      .describe('matrix[i][j]: rows of true class labels[i] predicted as labels[j]'),
    // regression and forecasts
    mse: value.optional(),
    rmse: value.optional(),
    mae: value.optional(),
    r2: value.optional(),
    // forecasts
    horizon: z.number().int().optional(),
    season: z.number().int().optional(),
    mape: z.number().nullable().optional(),
    smape: value.optional(),
    mase: z.number().nullable().optional(),
    perStep: z.array(forecastErrors.extend({ step: z.number().int() })).optional(),
    baselines: z.object({ naive: forecastErrors, seasonalNaive: forecastErrors }).optional(),
    // recorded with the version
    bestEpoch: z.number().int().nullable().optional(),
    stoppedEarly: z.boolean().nullable().optional(),
  })
  .loose()
  .meta({ id: 'EvaluationMetrics', description: 'Metrics on the held-out test split; members depend on the task' });
