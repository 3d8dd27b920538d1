import { recordAuditEvent } from '../audit/audit-log.ts';
import type { Redis } from 'ioredis';
import type { Database } from '../db/client.ts';
import { NotFoundError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { queueConnection, type TrainingQueue } from '../queue/training-queue.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';

/**
 * Every artifact-store folder that holds a project's files (see datasetArtifactKey,
 * attemptPrefix and checkpointPrefix). A new kind of per-project file must add its folder here,
 * or erasure leaves it behind (the erasure test lists the whole store to catch that).
 */
export const projectStorePrefixes = (projectId: string) => [
  `datasets/${projectId}`,
  `models/${projectId}`,
  `checkpoints/${projectId}`,
  `prediction-logs/${projectId}`,
  `batch-predictions/${projectId}`,
  // Imported model versions (registry/model-import.ts).
  `imports/${projectId}`,
];

export interface ProjectErasureStatus {
  projectId: string;
  status: 'in_progress' | 'completed';
  requestedAt: string;
  finishedAt: string | null;
  /** Passes made so far; each resumes where the previous one stopped. */
  attempts: number;
}

type ErasureRow = { projectId: string; requestedAt: Date; finishedAt: Date | null; attempts: number };
export const toErasureStatus = (row: ErasureRow): ProjectErasureStatus => ({
  projectId: row.projectId,
  status: row.finishedAt ? 'completed' : 'in_progress',
  requestedAt: row.requestedAt.toISOString(),
  finishedAt: row.finishedAt?.toISOString() ?? null,
  attempts: row.attempts,
});

/**
 * Marks a project for erasure, in one transaction: the project row gets `deletingAt` (the
 * operator's routes then treat it as gone), every key is revoked (every tenant request is then
 * refused), and the erasure record is written, which is what makes the erasure durable: the
 * worker's maintenance resumes every unfinished one. Asking again is harmless.
 * Returns the record and the revoked keys' ids (to drop them from key caches at once).
 */
export async function requestProjectErasure(db: Database, projectId: string) {
  return db.$transaction(async (tx) => {
    const project = await tx.project.findUnique({ where: { id: projectId }, select: { id: true, deletingAt: true } });
    if (!project) {
      const done = await tx.projectErasure.findUnique({ where: { projectId } });
      if (!done) throw new NotFoundError('Project', projectId);
      return { erasure: done, revokedKeyIds: [] as string[] };
    }
    const now = new Date();
    if (!project.deletingAt) await tx.project.update({ where: { id: projectId }, data: { deletingAt: now } });
    const keys = await tx.apiKey.findMany({ where: { projectId }, select: { id: true } });
    await tx.apiKey.updateMany({ where: { projectId, revokedAt: null }, data: { revokedAt: now } });
    const erasure = await tx.projectErasure.upsert({ where: { projectId }, create: { projectId }, update: {} });
    return { erasure, revokedKeyIds: keys.map((key) => key.id) };
  });
}

export interface ErasureResources {
  db: Database;
  store: ArtifactStore;
  trainingQueue: TrainingQueue;
  /** The deployment's Redis key prefix (REDIS_PREFIX). */
  redisPrefix: string;
  logger: Logger;
}

export interface ErasurePass {
  status: 'completed' | 'pending';
  /** Ids of the model versions whose rows this pass deleted: caches must forget them. */
  versionIds: string[];
}

/**
 * One pass of a project's erasure. Every step is idempotent, so a pass killed anywhere (kill
 * -9 included) is simply run again, by the worker's maintenance or another request, and two
 * passes at once do no harm:
 *
 * 1. training jobs: queued ones leave the queue; running ones are asked to cancel, and the
 *    pass stops there ('pending') until their worker lets go, so no job writes a file after
 *    the files are deleted;
 * 2. Redis: the project's queue entries (finished ones included), then every key under the
 *    deployment's prefix that names the project (limits, caches of other features);
 * 3. the artifact store: every folder of the project;
 * 4. PostgreSQL: aliases and versions first (their foreign keys restrict), idempotency records
 *    (no foreign key), then the project, which cascades to keys, datasets, jobs, models and
 *    alias history; the store is swept again in case an upload raced step 3;
 * 5. the erasure record is closed together with its audit event. Audit events are kept: they
 *    are the trail of what happened, and leave with the retention sweep.
 */
export async function eraseProject(resources: ErasureResources, projectId: string): Promise<ErasurePass> {
  const { db, store, trainingQueue, logger } = resources;
  const erasure = await db.projectErasure.findUnique({ where: { projectId } });
  if (!erasure) throw new NotFoundError('Project erasure', projectId);
  if (erasure.finishedAt) return { status: 'completed', versionIds: [] };
  await db.projectErasure.update({ where: { projectId }, data: { attempts: { increment: 1 } } });

  // 1. Training jobs.
  await db.trainingJob.updateMany({
    where: { projectId, status: { in: ['queued', 'running'] } },
    data: { cancelRequested: true },
  });
  const jobs = await db.trainingJob.findMany({ where: { projectId }, select: { id: true } });
  let held = 0;
  for (const { id } of jobs) {
    const entry = await trainingQueue.getJob(id);
    if (!entry) continue;
    if ((await entry.getState()) === 'active') held++;
    else await entry.remove();
  }
  if (held > 0) {
    logger.info({ projectId, runningJobs: held }, 'project erasure waits for its running jobs to stop');
    return { status: 'pending', versionIds: [] };
  }

  // 2. Redis keys that name the project.
  await deleteRedisKeys(queueConnection(trainingQueue), `${resources.redisPrefix}:*${projectId}*`);

  // 3. Files.
  for (const prefix of projectStorePrefixes(projectId)) await store.deletePrefix(prefix);

  // 4. Rows.
  const versions = await db.modelVersion.findMany({ where: { model: { projectId } }, select: { id: true } });
  await db.$transaction(async (tx) => {
    await tx.modelAlias.deleteMany({ where: { model: { projectId } } });
    await tx.modelVersion.deleteMany({ where: { model: { projectId } } });
    await tx.idempotencyKey.deleteMany({ where: { projectId } });
    await tx.project.deleteMany({ where: { id: projectId } });
  });
  for (const prefix of projectStorePrefixes(projectId)) await store.deletePrefix(prefix);

  // 5. Done, with its record in the audit trail.
  await db.$transaction(async (tx) => {
    const closed = await tx.projectErasure.updateMany({
      where: { projectId, finishedAt: null },
      data: { finishedAt: new Date() },
    });
    if (closed.count === 0) return; // another pass closed it first
    await recordAuditEvent(tx, {
      projectId,
      actor: { type: 'system' },
      action: 'projects.erasure.completed',
      resourceId: projectId,
      outcome: 'success',
    });
  });
  logger.info({ projectId }, 'project erased');
  return { status: 'completed', versionIds: versions.map((v) => v.id) };
}

/** Deletes every key matching `pattern`, a SCAN batch at a time (never KEYS, which blocks Redis). */
async function deleteRedisKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

/**
 * Resumes every unfinished erasure (the worker's maintenance calls it each round): those whose
 * pass was interrupted by a crash, and those waiting for running jobs to stop.
 */
export async function resumeProjectErasures(resources: ErasureResources): Promise<number> {
  const pending = await resources.db.projectErasure.findMany({
    where: { finishedAt: null },
    orderBy: { requestedAt: 'asc' },
    take: 100,
  });
  let completed = 0;
  for (const { projectId } of pending) {
    const pass = await eraseProject(resources, projectId);
    if (pass.status === 'completed') completed++;
  }
  return completed;
}
