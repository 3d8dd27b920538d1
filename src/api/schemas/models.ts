import { z } from 'zod';
import { MAX_SPLIT_VERSIONS, publicSplit, type AliasRouting } from '../../registry/alias-routing.ts';
import { inputSchemaDigest } from '../../registry/input-schema-digest.ts';
import { evaluationMetricsSchema } from './metrics.ts';
import { modelName } from './training-jobs.ts';

export const aliasName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,49}$/, 'lower-case letters, digits, _ - (at most 50, starting with a letter)');

/**
 * A version number as a request names it (path or body): versions are PostgreSQL `integer`s,
 * so a larger number can name no version and is refused here rather than by the database.
 */
const MAX_VERSION_NUMBER = 2_147_483_647;
export const versionNumber = z.number().int().min(1).max(MAX_VERSION_NUMBER);
/** The same, from a path segment. */
const versionInPath = z.coerce.number().int().min(1).max(MAX_VERSION_NUMBER);

export const modelParams = z.object({ name: modelName });
export const versionParams = z.object({ name: modelName, version: versionInPath });
export const aliasParams = z.object({ name: modelName, alias: aliasName });

export const modelSchema = z
  .object({
    name: z.string(),
    task: z.string(),
    latestVersion: z.number().int(),
    aliases: z.record(z.string(), z.number().int()).describe('alias -> version'),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Model' });

export const modelVersionSchema = z
  .object({
    model: z.string(),
    version: z.number().int(),
    task: z.string(),
    modelType: z.string(),
    aliases: z.array(z.string()),
    metrics: evaluationMetricsSchema,
    hyperparameters: z
      .record(z.string(), z.unknown())
      .describe('The model spec the version was trained with (type, layers, epochs, ...)'),
    inputSchema: z.unknown().describe('Feature names, types and categories, in the order array instances use'),
    inputSchemaHash: z.string().describe('SHA-256 of the input schema: equal hashes read instances alike'),
    inputSchemaChanged: z
      .boolean()
      .nullable()
      .describe('Whether the input schema differs from the previous version (null for the first version)'),
    outputSchema: z.unknown().describe('Task and labels'),
    preprocessing: z
      .unknown()
      .describe('The fitted transform applied before the model, at training and prediction alike'),
    lineage: z
      .object({
        origin: z
          .enum(['trained', 'imported'])
          .describe('`trained` by a training job here, or `imported` from a model trained elsewhere'),
        datasetId: z.string().nullable().describe('Null for imported versions'),
        datasetName: z.string().nullable(),
        datasetVersion: z.number().int().nullable(),
        trainingJobId: z.string().nullable().describe('Null for imported versions'),
        tuningJobId: z.string().nullable().describe('The tuning job whose best trial this version is (null: none)'),
        tuningTrial: z.number().int().nullable().describe('That trial’s number'),
      })
      .meta({ id: 'VersionLineage' }),
    artifact: z.object({
      key: z.string(),
      sha256: z.string(),
      bytes: z.number().int().describe('Stored bytes (manifest and weights), counted in the stored-bytes quota'),
      format: z
        .enum(['tfjs-layers', 'onnx'])
        .describe('`tfjs-layers` (TensorFlow.js layers model) or `onnx` (served by ONNX Runtime)'),
    }),
    backend: z.string(),
    trainingDurationMs: z.number().int(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'ModelVersion' });

export const modelVersionSummarySchema = modelVersionSchema
  .omit({ preprocessing: true, inputSchema: true, outputSchema: true })
  .meta({
    id: 'ModelVersionSummary',
    description: 'A version without its fitted preprocessing and schemas: GET .../versions/{version} has them',
  });

const splitSchema = z
  .array(z.object({ version: z.number().int(), weight: z.number().int() }))
  .nullable()
  .describe('The traffic split by weight, or null when the alias serves its `version` alone');
const shadowSchema = z
  .number()
  .int()
  .nullable()
  .describe('The version receiving a copy of every request (answers recorded, never returned), or null');

export const aliasMoveSchema = z
  .object({
    alias: z.string(),
    version: z.number().int().nullable().describe('The version served alone, or the heaviest of a split'),
    previousVersion: z.number().int().nullable(),
    split: splitSchema,
    shadow: shadowSchema,
  })
  .meta({ id: 'AliasMove' });

const shadowField = versionNumber.nullable().optional().describe('A shadow version, or null/absent for none');
export const aliasTargetBody = z
  .union([
    z.object({ version: versionNumber, shadow: shadowField }).strict(),
    z
      .object({
        versions: z
          .array(z.object({ version: versionNumber, weight: z.number().int().min(0).max(1_000_000) }).strict())
          .min(1)
          .max(MAX_SPLIT_VERSIONS),
        shadow: shadowField,
      })
      .strict(),
  ])
  .meta({ id: 'AliasTarget' });

const routingSchema = z.object({ split: splitSchema, shadow: shadowSchema }).nullable();

/** A stored routing as the history shows it. */
export function routingOf(routing: AliasRouting | null): z.infer<typeof routingSchema> {
  return routing ? { split: publicSplit(routing), shadow: routing.shadow?.version ?? null } : null;
}
export const forceQuery = z
  .object({
    force: z
      .enum(['true', 'false'])
      .default('false')
      .transform((value) => value === 'true')
      .describe('Also remove the aliases that point at what is deleted'),
  })
  .strict();

export const erasedVersionsSchema = z
  .object({
    model: z.string(),
    versions: z.array(z.number().int()).describe('The version numbers deleted'),
    removedAliases: z.array(z.string()),
  })
  .meta({ id: 'ErasedVersions' });

export const aliasEventSchema = z.object({
  fromVersion: z.number().int().nullable(),
  toVersion: z.number().int().nullable(),
  fromRouting: routingSchema.describe('The split and shadow before the move (null: a single version)'),
  toRouting: routingSchema.describe('The split and shadow after the move'),
  at: z.iso.datetime(),
});

type ModelRow = {
  name: string;
  task: string;
  latestVersion: number;
  createdAt: Date;
  updatedAt: Date;
  aliases: { alias: string; version: { version: number } }[];
};
export function toModel(row: ModelRow): z.infer<typeof modelSchema> {
  return {
    name: row.name,
    task: row.task,
    latestVersion: row.latestVersion,
    aliases: Object.fromEntries(row.aliases.map((a) => [a.alias, a.version.version])),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

type VersionSummaryRow = Omit<VersionRow, 'preprocessing' | 'outputSchema'>;
export function toModelVersionSummary(
  model: string,
  row: VersionSummaryRow,
  previous: { inputSchema: unknown } | null,
): z.infer<typeof modelVersionSummarySchema> {
  const {
    preprocessing: _p,
    inputSchema: _i,
    outputSchema: _o,
    ...summary
  } = toModelVersion(model, { ...row, preprocessing: null, outputSchema: null }, previous);
  return summary;
}

type VersionRow = {
  version: number;
  task: string;
  modelType: string;
  metrics: unknown;
  hyperparameters: unknown;
  inputSchema: unknown;
  outputSchema: unknown;
  preprocessing: unknown;
  datasetId: string | null;
  trainingJobId: string | null;
  origin: string;
  artifactFormat: string;
  tuningJobId?: string | null;
  tuningTrial?: number | null;
  artifactKey: string;
  artifactSha256: string;
  artifactBytes: bigint;
  backend: string;
  trainingDurationMs: number;
  createdAt: Date;
  aliases: { alias: string }[];
  dataset: { name: string; version: number } | null;
};
/** `previous` is the version before `row` (null for the first): the input schema is compared with its. */
export function toModelVersion(
  model: string,
  row: VersionRow,
  previous: { inputSchema: unknown } | null,
): z.infer<typeof modelVersionSchema> {
  const inputSchemaHash = inputSchemaDigest(row.inputSchema);
  return {
    model,
    version: row.version,
    task: row.task,
    modelType: row.modelType,
    aliases: row.aliases.map((a) => a.alias).sort(),
    metrics: row.metrics as Record<string, unknown>,
    hyperparameters: row.hyperparameters as Record<string, unknown>,
    inputSchema: row.inputSchema,
    inputSchemaHash,
    inputSchemaChanged: previous ? inputSchemaDigest(previous.inputSchema) !== inputSchemaHash : null,
    outputSchema: row.outputSchema,
    preprocessing: row.preprocessing,
    lineage: {
      origin: row.origin === 'imported' ? 'imported' : 'trained',
      datasetId: row.datasetId,
      datasetName: row.dataset?.name ?? null,
      datasetVersion: row.dataset?.version ?? null,
      trainingJobId: row.trainingJobId,
      tuningJobId: row.tuningJobId ?? null,
      tuningTrial: row.tuningTrial ?? null,
    },
    artifact: {
      key: row.artifactKey,
      sha256: row.artifactSha256,
      bytes: Number(row.artifactBytes),
      format: row.artifactFormat === 'onnx' ? 'onnx' : 'tfjs-layers',
    },
    backend: row.backend,
    trainingDurationMs: row.trainingDurationMs,
    createdAt: row.createdAt.toISOString(),
  };
}
