import type { Database } from '../../db/client.ts';
import type { JobFailure } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { enqueueTraining, type TrainingQueue } from '../../queue/training-queue.ts';
import { backlogPlace } from './scheduling.ts';
import { announceTrainingJobEnd } from '../../webhooks/job-events.ts';

/** Queue states in which a job will still be run (or is running). */
const LIVE_STATES = new Set(['waiting', 'wait', 'active', 'delayed', 'prioritized', 'waiting-children']);

export interface ReconcileResult {
  requeued: string[];
  failed: string[];
  cancelled: string[];
}

/**
 * Makes the queue agree with PostgreSQL, the record: every job the database calls queued or
 * running must be in the queue. One the queue lost (Redis restarted empty) is enqueued again
 * under its own id (so two reconcilers cannot double it) unless its attempts are used up,
 * in which case it fails with the reason; one the queue already gave up on fails too; one
 * with a pending cancel ends cancelled. Rows touched within `graceMs` are skipped, so a
 * submission between its insert and its enqueue, or a job busy reporting epochs, is never
 * mistaken for a lost one.
 */
export async function reconcileTrainingJobs(
  db: Database,
  queue: TrainingQueue,
  logger: Logger,
  opts: { maxAttempts: number; graceMs: number },
): Promise<ReconcileResult> {
  const result: ReconcileResult = { requeued: [], failed: [], cancelled: [] };
  const rows = await db.trainingJob.findMany({
    where: { status: { in: ['queued', 'running'] }, updatedAt: { lt: new Date(Date.now() - opts.graceMs) } },
    select: { id: true, projectId: true, createdAt: true, attempts: true, cancelRequested: true },
    orderBy: { createdAt: 'asc' },
    take: 1000,
  });
  for (const row of rows) {
    const entry = await queue.getJob(row.id);
    const state = entry ? await entry.getState() : 'missing';
    if (LIVE_STATES.has(state)) continue;
    const end = async (status: 'failed' | 'cancelled', error?: JobFailure) => {
      const ended = await db.trainingJob.updateMany({
        where: { id: row.id, status: { in: ['queued', 'running'] } },
        data: { status, finishedAt: new Date(), ...(error ? { error } : {}) },
      });
      if (ended.count) {
        (status === 'failed' ? result.failed : result.cancelled).push(row.id);
        await announceTrainingJobEnd({ db, logger }, row.id);
      }
    };
    if (row.cancelRequested) {
      await end('cancelled');
    } else if (state === 'failed') {
      await end('failed', {
        code: 'attempts_exhausted',
        message:
          `The queue gave up on the job after ${entry?.attemptsMade ?? row.attempts} attempt(s): ` +
          `${entry?.failedReason ?? 'no reason recorded'}`,
      });
    } else if (row.attempts >= opts.maxAttempts) {
      await end('failed', {
        code: 'attempts_exhausted',
        message:
          `The job's queue entry was lost after ${row.attempts} of ${opts.maxAttempts} attempt(s); ` +
          'it is not retried again.',
      });
    } else {
      // 'completed' without a finished record (the run was skipped or its last write lost), or missing.
      if (entry) await entry.remove().catch(() => undefined);
      // Back in its project's turn, as at submission, so recovery keeps the order fair.
      await enqueueTraining(queue, row.id, { priority: await backlogPlace(db, row) });
      result.requeued.push(row.id);
    }
  }
  if (result.requeued.length + result.failed.length + result.cancelled.length)
    logger.warn(result, 'reconciled training jobs with the queue');
  return result;
}
