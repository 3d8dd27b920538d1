/**
 * How much of each quota a project uses, counted from PostgreSQL, the record. The counts are
 * what the checks compare with the limits, so the usage route and a refusal always agree.
 */
import type { Database } from '../db/client.ts';

/** What the counting queries need: the client itself or a transaction's. */
export type UsageDb = Pick<
  Database,
  'dataset' | 'model' | 'modelVersion' | 'trainingJob' | 'tuningJob' | 'batchPrediction' | '$queryRaw'
>;

const UNFINISHED = ['queued', 'running'] as const;
const DAY_MS = 24 * 3600_000;

/** Bytes of the project's stored datasets, model artifacts, and batch prediction inputs and outputs. */
export async function storedBytesOf(db: UsageDb, projectId: string): Promise<number> {
  const [datasets, models, batches] = await Promise.all([
    db.dataset.aggregate({ where: { projectId }, _sum: { sizeBytes: true } }),
    db.modelVersion.aggregate({ where: { model: { projectId } }, _sum: { artifactBytes: true } }),
    db.batchPrediction.aggregate({ where: { projectId }, _sum: { inputBytes: true, outputBytes: true } }),
  ]);
  return (
    Number(datasets._sum.sizeBytes ?? 0n) +
    Number(models._sum.artifactBytes ?? 0n) +
    Number(batches._sum.inputBytes ?? 0n) +
    Number(batches._sum.outputBytes ?? 0n)
  );
}

/** Stored datasets, each version counting as one. */
export function datasetCountOf(db: UsageDb, projectId: string): Promise<number> {
  return db.dataset.count({ where: { projectId } });
}

/** Model names in use: the registered models and the names unfinished jobs will register. */
export async function modelNamesOf(
  db: UsageDb,
  projectId: string,
): Promise<{ count: number; has(name: string): Promise<boolean> }> {
  const [row] = await db.$queryRaw<{ count: bigint }[]>`
    SELECT COUNT(*) AS count FROM (
      SELECT "name" FROM "Model" WHERE "projectId" = ${projectId}
      UNION
      SELECT "modelName" FROM "TrainingJob"
        WHERE "projectId" = ${projectId} AND "status" IN ('queued', 'running')
    ) AS names`;
  return {
    count: Number(row?.count ?? 0),
    has: async (name) =>
      (await db.model.count({ where: { projectId, name } })) > 0 ||
      (await db.trainingJob.count({ where: { projectId, modelName: name, status: { in: [...UNFINISHED] } } })) > 0,
  };
}

/** Model versions, registered or still to come from unfinished jobs (each job makes at most one). */
export async function versionCountOf(db: UsageDb, projectId: string): Promise<number> {
  const [registered, coming, searches] = await Promise.all([
    db.modelVersion.count({ where: { model: { projectId } } }),
    // A tuning job's trials make one version between them: the search counts, its trials do not.
    db.trainingJob.count({ where: { projectId, status: { in: [...UNFINISHED] }, tuningTrial: null } }),
    db.tuningJob.count({ where: { projectId, status: { in: [...UNFINISHED] } } }),
  ]);
  return registered + coming + searches;
}

export function runningJobsOf(db: UsageDb, projectId: string): Promise<number> {
  return db.trainingJob.count({ where: { projectId, status: 'running' } });
}

/** The UTC day `now` falls in: training minutes are counted per such day. */
export function utcDay(now: Date): { start: Date; end: Date } {
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return { start: new Date(start), end: new Date(start + DAY_MS) };
}

/**
 * Milliseconds the project's jobs trained within today (UTC): each job from its start (or
 * midnight) to its end, now for a running job, or its last update for one waiting for a retry.
 */
export async function trainingMsToday(db: UsageDb, projectId: string, now: Date): Promise<number> {
  const { start } = utcDay(now);
  const [row] = await db.$queryRaw<{ ms: number | null }[]>`
    SELECT SUM(GREATEST(0, EXTRACT(EPOCH FROM (
      LEAST(${now}::timestamp, CASE WHEN "status" = 'running' THEN ${now}::timestamp
                                     ELSE COALESCE("finishedAt", "updatedAt") END)
      - GREATEST("startedAt", ${start}::timestamp)
    )) * 1000))::float8 AS ms
    FROM "TrainingJob"
    WHERE "projectId" = ${projectId} AND "startedAt" IS NOT NULL
      AND ("finishedAt" IS NULL OR "finishedAt" > ${start}::timestamp)`;
  return Math.round(row?.ms ?? 0);
}
