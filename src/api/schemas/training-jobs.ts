import { z } from 'zod';
import type { Config } from '../../config/env.ts';
import { modelNameSchema } from '../../registry/model-name.ts';
import { trainingRequestSchema } from '../../training/pipelines/request.ts';
import { evaluationMetricsSchema } from './metrics.ts';

/** Model names appear in URL paths (`/v1/models/{name}:predict`), so no colons or slashes. */
export const modelName = modelNameSchema;

export const jobStatuses = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;

/** The training request (the one schema, training/pipelines/request.ts), with caps from the configuration. */
export function trainingJobRequest(
  config: Pick<
    Config,
    'MAX_EPOCHS' | 'MAX_BATCH_SIZE' | 'MAX_HIDDEN_UNITS' | 'JOB_MAX_DURATION_MS' | 'AUTOML_MAX_BUDGET_SECONDS'
  >,
) {
  return trainingRequestSchema({
    maxEpochs: config.MAX_EPOCHS,
    maxBatchSize: config.MAX_BATCH_SIZE,
    maxUnits: config.MAX_HIDDEN_UNITS,
    maxHiddenLayers: 8,
    maxPatience: 200,
    maxDurationMs: config.JOB_MAX_DURATION_MS,
    maxAutoBudgetSeconds: config.AUTOML_MAX_BUDGET_SECONDS,
  }).meta({ id: 'TrainingJobRequest' });
}

export const epochProgressSchema = z
  .object({
    epoch: z.number().int(),
    loss: z.number().nullable(),
    valLoss: z.number().nullable().optional(),
    metrics: z
      .record(z.string(), z.number())
      .optional()
      .describe('The model metric on the training and validation splits: accuracy and valAccuracy, or mae and valMae'),
  })
  .loose();

export const trainingJobSchema = z
  .object({
    id: z.string(),
    status: z.enum(jobStatuses),
    datasetId: z.string().nullable(),
    modelName: z.string(),
    target: z.string(),
    task: z.string(),
    spec: z.record(z.string(), z.unknown()).describe('The validated request: model, hyperparameters, features, split'),
    attempts: z.number().int(),
    progress: z.object({ epochs: z.array(epochProgressSchema), totalEpochs: z.number().int().optional() }).loose(),
    metrics: evaluationMetricsSchema.nullable(),
    result: z.object({ model: z.string(), version: z.number().int() }).nullable(),
    error: z.object({ code: z.string(), message: z.string() }).loose().nullable(),
    backend: z.string().nullable(),
    cancelRequested: z.boolean(),
    resumedFromEpoch: z.number().int().nullable(),
    createdAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'TrainingJob' });

export const trainingJobSummarySchema = trainingJobSchema
  .omit({ spec: true, progress: true })
  .extend({
    progress: z
      .object({
        epochsCompleted: z.number().int(),
        totalEpochs: z.number().int().optional(),
        lastEpoch: epochProgressSchema.nullable(),
      })
      .describe('The latest epoch only; GET /v1/training-jobs/{id} has every epoch and the request'),
  })
  .meta({ id: 'TrainingJobSummary' });

export const jobListQuery = z.object({
  status: z.enum(jobStatuses).optional(),
  modelName: modelName.optional(),
  datasetId: z.uuid().optional(),
});

type JobRow = {
  id: string;
  status: (typeof jobStatuses)[number];
  datasetId: string | null;
  modelName: string;
  target: string;
  task: string;
  spec: unknown;
  attempts: number;
  progress: unknown;
  metrics: unknown;
  error: unknown;
  backend: string | null;
  cancelRequested: boolean;
  resumedFromEpoch: number | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  modelVersion?: { version: number } | null;
};

export function toTrainingJob(row: JobRow): z.infer<typeof trainingJobSchema> {
  return {
    id: row.id,
    status: row.status,
    datasetId: row.datasetId,
    modelName: row.modelName,
    target: row.target,
    task: row.task,
    spec: row.spec as Record<string, unknown>,
    attempts: row.attempts,
    progress: row.progress as z.infer<typeof trainingJobSchema>['progress'],
    metrics: (row.metrics as Record<string, unknown> | null) ?? null,
    result: row.modelVersion ? { model: row.modelName, version: row.modelVersion.version } : null,
    error: (row.error as z.infer<typeof trainingJobSchema>['error']) ?? null,
    backend: row.backend,
    cancelRequested: row.cancelRequested,
    resumedFromEpoch: row.resumedFromEpoch,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

/** A job as lists show it: no request spec, and of its progress only the latest epoch. */
export function toTrainingJobSummary(row: JobRow): z.infer<typeof trainingJobSummarySchema> {
  const { spec: _spec, progress, ...rest } = toTrainingJob(row);
  const epochs = progress.epochs;
  return {
    ...rest,
    progress: {
      epochsCompleted: epochs.length,
      ...(progress.totalEpochs === undefined ? {} : { totalEpochs: progress.totalEpochs }),
      lastEpoch: epochs[epochs.length - 1] ?? null,
    },
  };
}
