/**
 * The tuning request (POST /v1/tuning-jobs): the dataset, target and model name as a training
 * request has them, a base model spec and a search space over it, the objective, the algorithm,
 * early stopping of bad trials, and the budget. The row keeps it, with the seed drawn, as `spec`.
 */
import { z } from 'zod';
import { seedSchema } from '../models/model-spec.ts';
import { modelNameSchema } from '../registry/model-name.ts';
import { splitSpecSchema } from '../training/pipelines/split.ts';
import type { EpochReport } from '../training/loop/epoch-loop.ts';
import { searchSpaceSchema } from './search-space.ts';

/** Metrics a search can optimise: the validation loss, or a metric computed on the validation split. */
export const objectiveMetrics = [
  'valLoss',
  'accuracy',
  'logLoss',
  'rocAuc',
  'macroF1',
  'weightedF1',
  'rmse',
  'mae',
  'mse',
  'r2',
] as const;
export type ObjectiveMetric = (typeof objectiveMetrics)[number];
const maximised = new Set<ObjectiveMetric>(['accuracy', 'rocAuc', 'macroF1', 'weightedF1', 'r2']);
const classificationOnly = new Set<ObjectiveMetric>(['accuracy', 'logLoss', 'rocAuc', 'macroF1', 'weightedF1']);
const regressionOnly = new Set<ObjectiveMetric>(['rmse', 'mae', 'mse', 'r2']);

/** Whether `metric` exists for `task` (valLoss always does). */
export const metricFitsTask = (metric: ObjectiveMetric, task: string) =>
  task === 'classification' ? !regressionOnly.has(metric) : !classificationOnly.has(metric);

export interface TuningLimits {
  maxTrials: number;
  maxParallelTrials: number;
  maxMinutes: number;
}

export function tuningRequestSchema(limits: TuningLimits) {
  return z
    .object({
      datasetId: z.uuid(),
      target: z.string().min(1),
      modelName: modelNameSchema,
      task: z.enum(['classification', 'regression']).optional(),
      features: z.array(z.string().min(1)).min(1).optional(),
      split: splitSpecSchema.optional(),
      model: z
        .record(z.string(), z.unknown())
        .default({})
        .describe('The base model spec, as a training request has it; searched fields are set per trial'),
      searchSpace: searchSpaceSchema.describe(
        'Parameters by dotted path into the model spec (e.g. learningRate, hiddenLayers.0.units): ' +
          '{type: choice, values} | {type: int|float, min, max, scale: linear|log}',
      ),
      objective: z
        .object({
          metric: z.enum(objectiveMetrics).default('valLoss'),
          direction: z.enum(['minimize', 'maximize']).optional().describe('Defaults to the metric’s own'),
        })
        .strict()
        .default({ metric: 'valLoss' }),
      algorithm: z.enum(['random', 'tpe']).default('tpe'),
      trialStopping: z
        .union([
          z.literal(false),
          z
            .object({
              type: z.literal('asha').default('asha'),
              minEpochs: z.number().int().min(1).optional(),
              reductionFactor: z.number().int().min(2).max(8).default(3),
            })
            .strict(),
        ])
        .default({ type: 'asha', reductionFactor: 3 })
        .describe('Successive halving: trials trailing at a rung stop; false runs every trial to its end'),
      maxTrials: z.number().int().min(1).max(limits.maxTrials).default(Math.min(16, limits.maxTrials)),
      parallelTrials: z
        .number()
        .int()
        .min(1)
        .max(limits.maxParallelTrials)
        .default(Math.min(2, limits.maxParallelTrials)),
      maxMinutes: z.number().gt(0).max(limits.maxMinutes).default(limits.maxMinutes),
      seed: seedSchema,
      alias: z
        .string()
        .regex(/^[a-z][a-z0-9_-]{0,49}$/, 'lower-case letters, digits, _ - (at most 50, starting with a letter)')
        .optional()
        .describe('Moved to the registered version when the search ends'),
    })
    .strict();
}
export type TuningRequest = z.output<ReturnType<typeof tuningRequestSchema>>;

/** What the row keeps: the request but its dataset and model name (columns of their own), the seed fixed. */
export type TuningSpec = Omit<TuningRequest, 'datasetId' | 'modelName' | 'target' | 'seed'> & {
  seed: number;
  direction: 'minimize' | 'maximize';
};

export const directionOf = (objective: TuningRequest['objective']) =>
  objective.direction ?? (maximised.has(objective.metric) ? 'maximize' : 'minimize');

/** The validation metrics of either task, as the pipelines compute them. */
type ValidationMetrics = Record<string, unknown> & {
  macro?: { f1?: number };
  weighted?: { f1?: number };
};

/**
 * A trial's objective from its run: the validation loss of the weights kept (the best epoch's when
 * early stopping restored them, else the last), or a metric on the validation split. Null when
 * the run has no such value (no validation split).
 */
export function objectiveValue(
  metric: ObjectiveMetric,
  run: { history: EpochReport[]; bestEpoch: number; validationMetrics?: object },
): number | null {
  if (metric === 'valLoss') {
    const kept = run.history.find((report) => report.epoch === run.bestEpoch) ?? run.history.at(-1);
    return kept?.valLoss ?? null;
  }
  const metrics = run.validationMetrics as ValidationMetrics | undefined;
  if (!metrics) return null;
  const value =
    metric === 'macroF1' ? metrics.macro?.f1 : metric === 'weightedF1' ? metrics.weighted?.f1 : metrics[metric];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The objective as a loss: lower is better whatever the direction. */
export const asLoss = (value: number, direction: 'minimize' | 'maximize') =>
  direction === 'maximize' ? -value : value;
