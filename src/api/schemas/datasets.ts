import { z } from 'zod';

export const columnProfileSchema = z
  .object({
    name: z.string(),
    type: z.enum(['number', 'integer', 'boolean', 'categorical', 'text', 'datetime', 'image']),
    missing: z.number().int(),
    distinct: z.number().int(),
    distinctApproximate: z.boolean(),
    min: z.union([z.number(), z.string()]).nullable().optional(),
    max: z.union([z.number(), z.string()]).nullable().optional(),
    mean: z.number().nullable().optional().describe('null when the mean has no finite value'),
    std: z.number().nullable().optional().describe('Sample standard deviation; null when it has no finite value'),
    histogram: z
      .object({ edges: z.array(z.number()), counts: z.array(z.number().int()) })
      .optional()
      .describe('Integer and number columns: counts in at most 32 bins; bin i holds [edges[i], edges[i+1])'),
    topValues: z.array(z.object({ value: z.string(), count: z.number().int() })).optional(),
  })
  .meta({ id: 'ColumnProfile' });

export const datasetSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    version: z.number().int(),
    format: z.string(),
    rowCount: z.number().int(),
    sizeBytes: z.number().int(),
    sha256: z.string(),
    columns: z.array(columnProfileSchema),
    createdAt: z.iso.datetime(),
    skipped: z
      .array(z.object({ name: z.string(), reason: z.string() }))
      .optional()
      .describe(
        'ZIP image datasets only: archive entries left out (not an image, not in a class folder, ...), at most 100',
      ),
    skippedCount: z
      .number()
      .int()
      .optional()
      .describe('ZIP image datasets only: how many entries were left out in all'),
  })
  .meta({ id: 'Dataset' });

/** Most columns a dataset list item names; the item route has them all, with their profiles. */
export const LISTED_COLUMNS = 100;

export const datasetSummarySchema = datasetSchema
  .omit({ columns: true, skipped: true })
  .extend({
    columnCount: z.number().int(),
    columns: z
      .array(columnProfileSchema.pick({ name: true, type: true }))
      .describe(
        `The first ${LISTED_COLUMNS} columns' names and types; GET /v1/datasets/{id} has every column's profile`,
      ),
  })
  .meta({ id: 'DatasetSummary' });

export const datasetName = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[\w.-][\w .-]*$/, 'letters, digits, spaces, _ . - only');

export const datasetImportRequest = z
  .object({
    url: z
      .string()
      .min(1)
      .max(4096)
      .describe(
        '`https://...` (or `http://...`), or `s3://bucket/key` in a bucket the operator allows (IMPORT_S3_BUCKETS)',
      ),
    name: datasetName.describe('Dataset name; an existing name gets its next version'),
    format: z
      .enum(['csv', 'ndjson', 'parquet', 'zip'])
      .optional()
      .describe("The file's format; by default from the source's Content-Type, else the URL path's extension"),
  })
  .meta({ id: 'DatasetImportRequest' });

export const uploadQuery = z.object({
  name: datasetName.optional().describe('Dataset name (or a `name` form field in multipart uploads)'),
});

type DatasetRow = {
  id: string;
  name: string;
  version: number;
  format: string;
  rowCount: number;
  sizeBytes: bigint;
  sha256: string;
  columns: unknown;
  skipped?: unknown;
  createdAt: Date;
};

export function toDataset(row: DatasetRow): z.infer<typeof datasetSchema> {
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    format: row.format,
    rowCount: row.rowCount,
    sizeBytes: Number(row.sizeBytes),
    sha256: row.sha256,
    columns: storedColumns(row.columns),
    createdAt: row.createdAt.toISOString(),
    ...skippedOf(row.skipped),
  };
}

type ApiColumn = z.infer<typeof columnProfileSchema>;
const STATISTICS = ['min', 'max', 'mean', 'std'] as const;

/**
 * The stored column profiles as the API spells them. A statistic that is not a finite number
 * (or, for min and max, a datetime string) reads as null: rows written before profiles were
 * overflow-safe hold such values, and one of them must not fail every list of the project.
 */
function storedColumns(stored: unknown): ApiColumn[] {
  if (!Array.isArray(stored)) return [];
  return stored.map((column: ApiColumn) => {
    const out = { ...column };
    for (const key of STATISTICS) {
      if (!Object.hasOwn(out, key)) continue;
      const value: unknown = out[key];
      const readable =
        (typeof value === 'number' && Number.isFinite(value)) ||
        (typeof value === 'string' && (key === 'min' || key === 'max'));
      if (!readable) out[key] = null;
    }
    return out;
  });
}

/** A dataset as lists show it (see listDatasetSummaries): column names and types, not their profiles. */
export function toDatasetSummary(
  row: Omit<DatasetRow, 'columns'> & { columnCount: number; columns: { name: string; type: string }[] },
): z.infer<typeof datasetSummarySchema> {
  const { skipped: _skipped, ...rest } = toDataset({ ...row, columns: [] });
  return {
    ...rest,
    columnCount: row.columnCount,
    columns: row.columns as z.infer<typeof datasetSummarySchema>['columns'],
  };
}

/** `Dataset.skipped` ({count, entries}, see dataset-catalog.ts) as the API spells it; nothing for other datasets. */
function skippedOf(stored: unknown): { skipped?: { name: string; reason: string }[]; skippedCount?: number } {
  if (stored === null || typeof stored !== 'object') return {};
  const { count, entries } = stored as { count: number; entries: { name: string; reason: string }[] };
  return { skipped: entries, skippedCount: count };
}
