/**
 * The order training jobs run in across projects, and each project's share of the workers.
 *
 * Order: a job's queue priority is its place in its project's backlog of queued jobs, so every
 * project's n-th waiting job runs before any project's (n+1)-th: one project's fifty queued
 * jobs no longer hold another project's single job behind them. Equal places run in arrival
 * order.
 *
 * Share: a project at its concurrent-jobs quota gets no further worker slot; a worker that picks
 * such a job hands it back for a short while (see `claimTrainingJob`), and the slot goes to
 * another project's job meanwhile.
 */
import type { Database } from '../../db/client.ts';
import { defaultQuotas, effectiveLimits, overridesOf, type QuotaSettings } from '../../quotas/quota-limits.ts';
import { lockProject } from '../../quotas/quota-checks.ts';

/** The job's place (from 1) among its project's queued jobs, by submission time. */
export async function backlogPlace(
  db: Pick<Database, 'trainingJob'>,
  job: { projectId: string; createdAt: Date },
): Promise<number> {
  return db.trainingJob.count({
    where: { projectId: job.projectId, status: 'queued', createdAt: { lte: job.createdAt } },
  });
}

/** How long a job of a project at its concurrency quota waits before a worker tries it again. */
export const CONCURRENCY_RETRY_MS = 1_000;

/**
 * Marks a job running unless its project already runs as many jobs as its concurrent-jobs
 * quota allows: then nothing changes and false is returned, for the caller to hand the job
 * back to the queue. Under the project's lock, so two workers cannot both take its last slot.
 */
export async function claimTrainingJob(
  db: Database,
  config: QuotaSettings,
  job: { id: string; projectId: string },
  markRunning: (tx: Pick<Database, 'trainingJob'>) => Promise<void>,
): Promise<boolean> {
  const row = await db.projectQuota.findUnique({ where: { projectId: job.projectId } });
  const limit = effectiveLimits(defaultQuotas(config), overridesOf(row)).concurrentJobs;
  if (limit === null) {
    await markRunning(db);
    return true;
  }
  return db.$transaction(async (tx) => {
    await lockProject(tx, job.projectId);
    const running = await tx.trainingJob.count({
      where: { projectId: job.projectId, status: 'running', id: { not: job.id } },
    });
    if (running >= limit) return false;
    await markRunning(tx);
    return true;
  });
}
