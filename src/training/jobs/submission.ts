import type { ColumnProfile } from '../../datasets/column-profile.ts';
import type { Database } from '../../db/client.ts';
import type { Prisma } from '../../db/client.ts';
import { UnprocessableError } from '../../errors.ts';
import { resolveTask, type Task } from '../../models/task.ts';
import { enqueueTraining, removeQueuedTraining, type TrainingQueue } from '../../queue/training-queue.ts';
import { MIN_TRAINING_ROWS } from '../pipelines/split.ts';
import { planDataKind } from '../pipelines/deep-plan.ts';

export interface TrainingRequest {
  datasetId: string;
  target: string;
  modelName: string;
  task?: Task;
  features?: string[];
  split?: unknown;
  model: { type: string } & Record<string, unknown>;
  maxDurationMs?: number;
}

/**
 * Checks a training request against its dataset before anything is created, so a bad
 * request is answered at once and changes nothing: the dataset must be the caller's, the
 * target and features must exist, the target must carry at least two classes for
 * classification, and there must be rows enough to split.
 */
export async function validateTrainingRequest(db: Database, projectId: string, request: TrainingRequest): Promise<{ task: Task }> {
  const dataset = await db.dataset.findFirst({ where: { id: request.datasetId, projectId } });
  // Another project's dataset reads as unknown: ids never leak across tenants.
  if (!dataset) throw new UnprocessableError('unknown_dataset', `Dataset '${request.datasetId}' was not found.`, [{ path: 'body.datasetId', message: 'no such dataset' }]);
  const columns = dataset.columns as unknown as ColumnProfile[];
  const byName = new Map(columns.map((column) => [column.name, column]));
  const target = byName.get(request.target);
  if (!target) {
    throw new UnprocessableError('unknown_target', `The dataset has no column '${request.target}'; columns are ${columns.map((c) => c.name).join(', ')}.`, [
      { path: 'body.target', message: 'no such column' },
    ]);
  }
  const unknown = (request.features ?? []).filter((name) => !byName.has(name));
  if (unknown.length) {
    throw new UnprocessableError('unknown_features', `The dataset has no column(s) ${unknown.map((n) => `'${n}'`).join(', ')}.`, unknown.map((name) => ({ path: 'body.features', message: `no column '${name}'` })));
  }
  if (request.features?.includes(request.target)) {
    throw new UnprocessableError('target_in_features', 'The target cannot also be a feature.', [{ path: 'body.features', message: `contains the target '${request.target}'` }]);
  }
  // Refuses a model type that cannot read the data (a transformer on numbers, an lstm on images).
  planDataKind(columns, request.target, request.model.type, request.features);
  const task = resolveTask(target, request.task);
  if (task === 'classification' && target.distinct < 2) {
    throw new UnprocessableError('single_class_target', `The target '${request.target}' has only one class; classification needs at least two.`, [{ path: 'body.target', message: 'one class' }]);
  }
  const labelled = dataset.rowCount - target.missing;
  if (labelled < MIN_TRAINING_ROWS * 2) {
    throw new UnprocessableError('too_few_rows', `The dataset has ${labelled} row(s) with a target; at least ${MIN_TRAINING_ROWS * 2} are needed to train and test.`, [{ path: 'body.datasetId', message: 'too few rows' }]);
  }
  return { task };
}

/** Records the job and enqueues it; when the queue refuses, the record is removed again. */
export async function submitTrainingJob(db: Database, queue: TrainingQueue, projectId: string, request: TrainingRequest) {
  const { task } = await validateTrainingRequest(db, projectId, request);
  const { datasetId, target, modelName, maxDurationMs, ...rest } = request;
  const job = await db.trainingJob.create({
    data: {
      projectId, datasetId, target, modelName, task, maxDurationMs: maxDurationMs ?? null,
      spec: { ...rest, task } as unknown as Prisma.InputJsonValue,
      progress: { epochs: [], totalEpochs: Number(request.model.epochs ?? 0) || undefined } as Prisma.InputJsonValue,
    },
  });
  try {
    await enqueueTraining(queue, job.id);
  } catch (error) {
    await db.trainingJob.delete({ where: { id: job.id } }).catch(() => undefined);
    throw error;
  }
  return job;
}

/**
 * Cancels a job: a queued one ends at once; a running one is flagged and its worker stops
 * at the next batch. Neither leaves a model version.
 */
export async function cancelTrainingJob(db: Database, queue: TrainingQueue, projectId: string, id: string) {
  const job = await db.trainingJob.findFirst({ where: { id, projectId } });
  if (!job) return null;
  if (job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled') return job;
  await db.trainingJob.update({ where: { id }, data: { cancelRequested: true } });
  if (job.status === 'queued' && (await removeQueuedTraining(queue, id))) {
    await db.trainingJob.updateMany({ where: { id, status: 'queued' }, data: { status: 'cancelled', finishedAt: new Date() } });
  }
  return db.trainingJob.findUniqueOrThrow({ where: { id } });
}
