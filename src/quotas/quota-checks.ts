/**
 * The quota checks made before a project creates something: each refuses with
 * QuotaExceededError (403 for counts and bytes, 429 with `resetsAt` for time) and changes
 * nothing. Callers that create after checking hold the project's lock (`lockProject`), so
 * two racing requests cannot both take the last unit.
 */
import type { Database } from '../db/client.ts';
import { QuotaExceededError } from '../errors.ts';
import type { QuotaLimits } from './quota-limits.ts';
import {
  datasetCountOf,
  modelNamesOf,
  storedBytesOf,
  trainingMsToday,
  utcDay,
  versionCountOf,
  type UsageDb,
} from './project-usage.ts';

/**
 * Serialises quota-checked creations within one project until the transaction ends
 * (a PostgreSQL advisory lock on the project id: other projects are not held).
 */
export async function lockProject(tx: Pick<Database, '$executeRaw'>, projectId: string): Promise<void> {
  // $executeRaw: the lock function returns void, which $queryRaw cannot read back.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`quota:${projectId}`}, 0))`;
}

/**
 * Refuses a new dataset when the project has as many as it may, or no stored bytes left.
 * Returns the bytes it may still store (null: unlimited), which bound the upload's body.
 */
export async function checkDatasetQuotas(
  db: UsageDb,
  limits: QuotaLimits,
  projectId: string,
  incomingBytes = 0,
): Promise<number | null> {
  if (limits.datasets !== null) {
    const count = await datasetCountOf(db, projectId);
    if (count >= limits.datasets)
      throw new QuotaExceededError(
        'datasets',
        limits.datasets,
        count,
        `The project has ${count} of its ${limits.datasets} datasets; delete one to upload another.`,
      );
  }
  if (limits.storedBytes === null) return null;
  const stored = await storedBytesOf(db, projectId);
  if (stored + Math.max(incomingBytes, 1) > limits.storedBytes) throw storedBytesExceeded(limits.storedBytes, stored);
  return limits.storedBytes - stored;
}

export function storedBytesExceeded(limit: number, usage: number): QuotaExceededError {
  return new QuotaExceededError(
    'storedBytes',
    limit,
    usage,
    `The upload does not fit the project's stored-bytes quota: ${usage} of ${limit} bytes are used.`,
  );
}

/**
 * Refuses a training job the project has no room for: a new model name past the models
 * quota, one more version past the versions quota (unfinished jobs count, as each will make
 * one), or no training minutes left today. Returns the training time left today in ms
 * (null: unlimited), which bounds the job's maximum duration.
 */
/**
 * What any new version meets, trained or imported: a new model name within the models quota,
 * one more version within the versions quota. `endings` finish the messages for the caller.
 */
export async function checkNewVersionQuotas(
  db: UsageDb,
  limits: QuotaLimits,
  projectId: string,
  modelName: string,
  endings: { models: string; versions: string },
): Promise<void> {
  if (limits.models !== null) {
    const names = await modelNamesOf(db, projectId);
    if (names.count >= limits.models && !(await names.has(modelName)))
      throw new QuotaExceededError(
        'models',
        limits.models,
        names.count,
        `The project has ${names.count} of its ${limits.models} models${endings.models}`,
      );
  }
  if (limits.versions !== null) {
    const versions = await versionCountOf(db, projectId);
    if (versions >= limits.versions)
      throw new QuotaExceededError(
        'versions',
        limits.versions,
        versions,
        `The project has ${versions} of its ${limits.versions} model versions${endings.versions}`,
      );
  }
}

export async function checkTrainingQuotas(
  db: UsageDb,
  limits: QuotaLimits,
  projectId: string,
  modelName: string,
  now: Date,
): Promise<number | null> {
  await checkNewVersionQuotas(db, limits, projectId, modelName, {
    models: '; train a version of an existing model instead.',
    versions: ' (unfinished jobs included).',
  });
  if (limits.storedBytes !== null) {
    // A new version adds its artifact: a project already at its stored bytes trains no more.
    const stored = await storedBytesOf(db, projectId);
    if (stored >= limits.storedBytes)
      throw new QuotaExceededError(
        'storedBytes',
        limits.storedBytes,
        stored,
        `The project stores ${stored} of its ${limits.storedBytes} bytes; delete datasets or versions to train another.`,
      );
  }
  if (limits.trainingMinutesPerDay === null) return null;
  const limitMs = limits.trainingMinutesPerDay * 60_000;
  const spentMs = await trainingMsToday(db, projectId, now);
  if (spentMs >= limitMs)
    throw new QuotaExceededError(
      'trainingMinutesPerDay',
      limits.trainingMinutesPerDay,
      spentMs / 60_000,
      `The project used its ${limits.trainingMinutesPerDay} training minutes for today (UTC).`,
      utcDay(now).end,
    );
  return limitMs - spentMs;
}
