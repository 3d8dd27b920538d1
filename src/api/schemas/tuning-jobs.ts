import { z } from 'zod';
import type { Config } from '../../config/env.ts';
import { tuningRequestSchema } from '../../tuning/request.ts';
import { jobStatuses } from './training-jobs.ts';

/** The tuning request with the configured caps on trials, parallelism and minutes. */
export function tuningJobRequest(
  config: Pick<Config, 'TUNING_MAX_TRIALS' | 'TUNING_MAX_PARALLEL_TRIALS' | 'TUNING_MAX_MINUTES'>,
) {
  return tuningRequestSchema({
    maxTrials: config.TUNING_MAX_TRIALS,
    maxParallelTrials: config.TUNING_MAX_PARALLEL_TRIALS,
    maxMinutes: config.TUNING_MAX_MINUTES,
  }).meta({ id: 'TuningJobRequest' });
}

export const trialStates = ['running', 'completed', 'stopped', 'failed', 'cancelled'] as const;

export const tuningTrialSchema = z
  .object({
    number: z.number().int(),
    state: z.enum(trialStates).describe('stopped: it trailed the other trials at a rung (successive halving)'),
    params: z.record(z.string(), z.unknown()).describe('The point of the search space it tried'),
    trainingJobId: z.string().nullable(),
    rungs: z
      .array(z.object({ epoch: z.number().int(), value: z.number(), decision: z.enum(['continue', 'stop']) }))
      .describe('Its best validation loss at each rung reached, and the verdict'),
    objective: z.number().nullable().describe('The objective on the validation split, once completed'),
    epochsCompleted: z.number().int(),
  })
  .meta({ id: 'TuningTrial' });

export const tuningJobSchema = z
  .object({
    id: z.string(),
    status: z.enum(jobStatuses),
    datasetId: z.string().nullable(),
    modelName: z.string(),
    target: z.string(),
    task: z.string(),
    spec: z
      .record(z.string(), z.unknown())
      .describe('The validated request: base model, search space, objective, algorithm, limits, the seed used'),
    cancelRequested: z.boolean(),
    error: z.object({ code: z.string(), message: z.string() }).loose().nullable(),
    bestTrial: z.number().int().nullable(),
    result: z
      .object({ model: z.string(), version: z.number().int() })
      .nullable()
      .describe('The version the best trial registered'),
    trials: z.array(tuningTrialSchema),
    createdAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'TuningJob' });

export const tuningJobSummarySchema = tuningJobSchema
  .omit({ trials: true, spec: true })
  .extend({ trialCount: z.number().int() })
  .meta({ id: 'TuningJobSummary' });

export const tuningListQuery = z.object({
  status: z.enum(jobStatuses).optional(),
});

type TrialRow = {
  number: number;
  state: string;
  params: unknown;
  trainingJobId: string | null;
  rungs: unknown;
  objective: number | null;
  trainingJob: { progress: unknown } | null;
};

export type TuningJobRow = {
  id: string;
  status: (typeof jobStatuses)[number];
  datasetId: string | null;
  modelName: string;
  target: string;
  task: string;
  spec: unknown;
  cancelRequested: boolean;
  error: unknown;
  bestTrial: number | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  versions: { version: number }[];
};

function common(row: TuningJobRow) {
  return {
    id: row.id,
    status: row.status,
    datasetId: row.datasetId,
    modelName: row.modelName,
    target: row.target,
    task: row.task,
    cancelRequested: row.cancelRequested,
    error: (row.error as z.infer<typeof tuningJobSchema>['error']) ?? null,
    bestTrial: row.bestTrial,
    result: row.versions[0] ? { model: row.modelName, version: row.versions[0].version } : null,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

export function toTuningJob(row: TuningJobRow & { trials: TrialRow[] }): z.infer<typeof tuningJobSchema> {
  return {
    ...common(row),
    spec: row.spec as Record<string, unknown>,
    trials: row.trials.map((trial) => ({
      number: trial.number,
      state: trial.state as (typeof trialStates)[number],
      params: trial.params as Record<string, unknown>,
      trainingJobId: trial.trainingJobId,
      rungs: trial.rungs as z.infer<typeof tuningTrialSchema>['rungs'],
      objective: trial.objective,
      epochsCompleted: ((trial.trainingJob?.progress as { epochs?: unknown[] } | null)?.epochs ?? []).length,
    })),
  };
}

export function toTuningJobSummary(
  row: TuningJobRow & { _count: { trials: number } },
): z.infer<typeof tuningJobSummarySchema> {
  return { ...common(row), trialCount: row._count.trials };
}
