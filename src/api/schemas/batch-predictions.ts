import { z } from 'zod';
import { modelNameSchema } from '../../registry/model-name.ts';
import { jobStatuses } from './training-jobs.ts';

const columnName = z.string().min(1).max(256);
const settings = {
  model: modelNameSchema.describe('The model whose version scores the rows'),
  version: z.coerce.number().int().positive().optional().describe('A version number; or `alias`; neither: the default'),
  alias: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,62}$/)
    .optional()
    .describe('An alias (resolved once, at submission); or `version`'),
  outputFormat: z
    .enum(['csv', 'ndjson', 'parquet'])
    .default('csv')
    .describe('parquet: one file, a row group per part; its errors are NDJSON'),
};

const oneRef = (value: { version?: number; alias?: string }) =>
  !(value.version !== undefined && value.alias !== undefined);
const oneRefIssue = { message: 'give `version` or `alias`, not both', path: ['alias'] };

export const batchPredictionRequest = z
  .object({
    ...settings,
    datasetId: z.uuid().describe('The stored dataset (CSV or NDJSON) whose rows are scored'),
    passthrough: z
      .array(columnName)
      .max(64)
      .default([])
      .describe('Input columns copied next to each prediction (e.g. a customer id)'),
  })
  .strict()
  .refine(oneRef, oneRefIssue)
  .meta({ id: 'BatchPredictionRequest' });

export const batchUploadQuery = z
  .object({
    ...settings,
    passthrough: z
      .string()
      .max(16_384)
      .optional()
      .transform((value) => (value ? value.split(',').map((name) => name.trim()) : []))
      .describe('Comma-separated input columns copied next to each prediction'),
  })
  .strict()
  .refine(oneRef, oneRefIssue);

export const batchListQuery = z.object({ status: z.enum(jobStatuses).optional(), model: modelNameSchema.optional() });

export const batchPredictionSchema = z
  .object({
    id: z.string(),
    status: z.enum(jobStatuses),
    model: z.object({ name: z.string(), version: z.number().int(), alias: z.string().nullable() }),
    input: z.object({
      datasetId: z.string().nullable(),
      uploaded: z.boolean(),
      format: z.enum(['csv', 'ndjson']),
    }),
    outputFormat: z.enum(['csv', 'ndjson', 'parquet']),
    passthrough: z.array(z.string()),
    progress: z.object({
      rowsDone: z.number().int(),
      rowsPerSecond: z.number().nullable().describe('Rows scored per second of running time, across attempts'),
      errorCount: z.number().int().describe('Rows that could not be scored (see GET .../errors)'),
      partsDone: z.number().int(),
      partRows: z.number().int(),
    }),
    outputBytes: z.number().int(),
    attempts: z.number().int(),
    cancelRequested: z.boolean(),
    error: z.object({ code: z.string(), message: z.string() }).loose().nullable(),
    output: z.string().nullable().describe('Where the output is streamed from, once the job has succeeded'),
    errors: z.string().nullable().describe('Where the row errors are streamed from, once the job has succeeded'),
    createdAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'BatchPrediction' });

type Row = {
  id: string;
  status: (typeof jobStatuses)[number];
  modelName: string;
  version: number;
  alias: string | null;
  datasetId: string | null;
  inputUploaded: boolean;
  inputFormat: string;
  outputFormat: string;
  passthrough: string[];
  rowsDone: number;
  runMs: number;
  errorCount: number;
  partsDone: number;
  partRows: number;
  outputBytes: bigint;
  attempts: number;
  cancelRequested: boolean;
  error: unknown;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
};

export function toBatchPrediction(row: Row): z.infer<typeof batchPredictionSchema> {
  const done = row.status === 'succeeded';
  return {
    id: row.id,
    status: row.status,
    model: { name: row.modelName, version: row.version, alias: row.alias },
    input: { datasetId: row.datasetId, uploaded: row.inputUploaded, format: row.inputFormat as 'csv' | 'ndjson' },
    outputFormat: row.outputFormat as 'csv' | 'ndjson' | 'parquet',
    passthrough: row.passthrough,
    progress: {
      rowsDone: row.rowsDone,
      rowsPerSecond: row.runMs > 0 ? Math.round((row.rowsDone / row.runMs) * 1000 * 10) / 10 : null,
      errorCount: row.errorCount,
      partsDone: row.partsDone,
      partRows: row.partRows,
    },
    outputBytes: Number(row.outputBytes),
    attempts: row.attempts,
    cancelRequested: row.cancelRequested,
    error: (row.error as z.infer<typeof batchPredictionSchema>['error']) ?? null,
    output: done ? `/v1/batch-predictions/${row.id}/output` : null,
    errors: done ? `/v1/batch-predictions/${row.id}/errors` : null,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}
