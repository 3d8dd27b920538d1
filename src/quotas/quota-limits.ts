/**
 * A project's quota limits: the configured defaults (QUOTA_* settings) with the operator's
 * overrides for the project (`ProjectQuota`) on top. A stored null means "the default", 0
 * means unlimited; answers speak of unlimited as `null`.
 */
import type { Config } from '../config/env.ts';
import type { Database } from '../db/client.ts';
import { predictionPathStatement, type Sql } from '../db/sql.ts';
import type { QuotaName } from '../errors.ts';

export const QUOTA_NAMES = [
  'storedBytes',
  'datasets',
  'models',
  'versions',
  'concurrentJobs',
  'trainingMinutesPerDay',
  'predictionsPerMinute',
] as const satisfies readonly QuotaName[];

const LIMITS_BY_PROJECT = predictionPathStatement(
  `SELECT ${QUOTA_NAMES.map((name) => `"${name}"`).join(', ')} FROM "ProjectQuota" WHERE "projectId" = $1`,
  [''],
);

/** Each quota's limit; null is unlimited. */
export type QuotaLimits = Record<QuotaName, number | null>;
/** The operator's overrides: null (or absent) is the configured default, 0 unlimited. */
export type QuotaOverrides = Record<QuotaName, number | null>;

export type QuotaSettings = Pick<
  Config,
  | 'QUOTA_STORED_BYTES'
  | 'QUOTA_DATASETS'
  | 'QUOTA_MODELS'
  | 'QUOTA_VERSIONS'
  | 'QUOTA_CONCURRENT_JOBS'
  | 'QUOTA_TRAINING_MINUTES_PER_DAY'
  | 'QUOTA_PREDICTIONS_PER_MINUTE'
>;

export function defaultQuotas(config: QuotaSettings): QuotaOverrides {
  return {
    storedBytes: config.QUOTA_STORED_BYTES,
    datasets: config.QUOTA_DATASETS,
    models: config.QUOTA_MODELS,
    versions: config.QUOTA_VERSIONS,
    concurrentJobs: config.QUOTA_CONCURRENT_JOBS,
    trainingMinutesPerDay: config.QUOTA_TRAINING_MINUTES_PER_DAY,
    predictionsPerMinute: config.QUOTA_PREDICTIONS_PER_MINUTE,
  };
}

/** A row of `ProjectQuota` as overrides (BigInt bytes as a number: quotas stay below 2^53). */
export function overridesOf(row: Partial<Record<QuotaName, number | bigint | null>> | null): QuotaOverrides {
  const overrides = {} as QuotaOverrides;
  for (const name of QUOTA_NAMES) {
    const value = row?.[name];
    overrides[name] = value === null || value === undefined ? null : Number(value);
  }
  return overrides;
}

/** The limits in force: an override where the operator set one, else the default; 0 is unlimited. */
export function effectiveLimits(defaults: QuotaOverrides, overrides: QuotaOverrides): QuotaLimits {
  const limits = {} as QuotaLimits;
  for (const name of QUOTA_NAMES) {
    const value = overrides[name] ?? defaults[name];
    limits[name] = value === null || value === 0 ? null : value;
  }
  return limits;
}

/**
 * A project's limits read by the pool's own SQL (one primary-key lookup): the prediction path
 * checks them, and a Prisma query there would load Prisma's query compiler (src/db/sql.ts).
 */
export async function quotaLimitsBySql(sql: Sql, config: QuotaSettings, projectId: string): Promise<QuotaLimits> {
  const [row] = await sql.rows<Record<QuotaName, number | bigint | null>>(LIMITS_BY_PROJECT, [projectId]);
  return effectiveLimits(defaultQuotas(config), overridesOf(row ?? null));
}

/** Reads a project's limits from the database (one primary-key lookup), e.g. in a transaction. */
export async function quotaLimitsOf(
  db: Pick<Database, 'projectQuota'>,
  config: QuotaSettings,
  projectId: string,
): Promise<QuotaLimits> {
  const row = await db.projectQuota.findUnique({ where: { projectId } });
  return effectiveLimits(defaultQuotas(config), overridesOf(row));
}
