/**
 * The webhook events of training jobs: job.succeeded, job.failed and job.cancelled, sent when a
 * job's record reaches that state, wherever that happens (the training child, the API's
 * cancel, the worker's reconciler). The data is the job as its summary shows it.
 */
import type { Database } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import type { WebhookQueue } from '../queue/background-queues.ts';
import { enqueueWebhookEvent, type WebhookEventType } from './events.ts';

const EVENT_OF: Record<string, WebhookEventType> = {
  succeeded: 'job.succeeded',
  failed: 'job.failed',
  cancelled: 'job.cancelled',
};

/** Records the event of a job that has just ended (a job still running announces nothing). */
export async function announceTrainingJobEnd(
  deps: { db: Database; webhookQueue?: WebhookQueue; logger?: Logger },
  jobId: string,
): Promise<void> {
  const job = await deps.db.trainingJob
    .findUnique({ where: { id: jobId }, include: { modelVersion: { select: { version: true } } } })
    .catch(() => null);
  const type = job ? EVENT_OF[job.status] : undefined;
  if (!job || !type) return;
  await enqueueWebhookEvent(deps, job.projectId, type, {
    trainingJob: {
      id: job.id,
      status: job.status,
      modelName: job.modelName,
      datasetId: job.datasetId,
      target: job.target,
      task: job.task,
      result: job.modelVersion ? { model: job.modelName, version: job.modelVersion.version } : null,
      metrics: job.metrics,
      error: job.error,
      attempts: job.attempts,
      createdAt: job.createdAt.toISOString(),
      finishedAt: job.finishedAt?.toISOString() ?? null,
    },
  });
}
