import type { ColumnProfile } from '../../datasets/column-profile.ts';
import type { Database } from '../../db/client.ts';
import { Prisma } from '../../db/client.ts';
import { UnprocessableError, ValidationError } from '../../errors.ts';
import type { Task } from '../../models/task.ts';
import { enqueueTraining, removeQueuedTraining, type TrainingQueue } from '../../queue/training-queue.ts';
import { checkModelTask } from '../../registry/register-version.ts';
import { checkTrainingQuotas, lockProject } from '../../quotas/quota-checks.ts';
import type { QuotaLimits } from '../../quotas/quota-limits.ts';
import { planTraining, type TrainingPlan } from '../pipelines/plan.ts';
import type { TrainingRequest, TrainingSpec } from '../pipelines/request.ts';
import { backlogPlace } from './scheduling.ts';
import { announceTrainingJobEnd } from '../../webhooks/job-events.ts';

/**
 * What a job row keeps of its request in `spec` (run.ts reads it back): the fields a run reads
 * but the target, which has its own column, with the task resolved.
 */
export type JobSpec = Omit<TrainingSpec, 'target' | 'task'> & { task: Task };

/**
 * Checks a training request against its dataset before anything is created, so a bad
 * request is answered at once and changes nothing: the dataset must be the caller's, and
 * the plan (pipelines/plan.ts: the same checks a worker runs before training) must hold on
 * the dataset's column profiles and row count.
 */
export async function validateTrainingRequest(
  db: Database,
  projectId: string,
  request: TrainingRequest,
): Promise<TrainingPlan> {
  const dataset = await db.dataset.findFirst({ where: { id: request.datasetId, projectId } });
  // Another project's dataset reads as unknown: ids never leak across tenants.
  if (!dataset) throw unknownDataset(request.datasetId);
  try {
    const plan = planTraining(request, dataset.columns as unknown as ColumnProfile[], dataset.rowCount);
    const model = await db.model.findUnique({
      where: { projectId_name: { projectId, name: request.modelName } },
      select: { task: true },
    });
    checkModelTask(model, request.modelName, plan.task);
    return plan;
  } catch (error) {
    throw inBody(error);
  }
}

const unknownDataset = (id: string) =>
  new UnprocessableError('unknown_dataset', `Dataset '${id}' was not found.`, [
    { path: 'body.datasetId', message: 'no such dataset' },
  ]);

/**
 * The plan names request fields (`model.type`); answers name them in the body
 * (`body.model.type`), as schema errors do.
 */
function inBody(error: unknown): unknown {
  if (!(error instanceof ValidationError || error instanceof UnprocessableError)) return error;
  const issues = error.issues?.map((issue) => ({ ...issue, path: `body.${issue.path}` }));
  return error instanceof ValidationError
    ? new ValidationError(error.message, issues, error.extra)
    : new UnprocessableError(error.code, error.message, issues);
}

/**
 * Records the job and enqueues it; when the queue refuses, the record is removed again. With
 * `quotas`, the job must fit the project's models, versions and training-minutes quotas
 * (checked and recorded under the project's lock, so racing submissions cannot both take the
 * last one), and its maximum duration is bounded by the training time left today. Its queue
 * priority is its place in the project's backlog (see scheduling.ts).
 */
export async function submitTrainingJob(
  db: Database,
  queue: TrainingQueue,
  projectId: string,
  request: TrainingRequest,
  quotas?: QuotaLimits,
) {
  const { datasetId, target, modelName, maxDurationMs, ...rest } = request;
  if (
    request.model.type === 'auto' &&
    maxDurationMs !== undefined &&
    request.model.budgetSeconds * 1000 > maxDurationMs
  )
    throw new ValidationError(
      `The search's budget (${request.model.budgetSeconds} s) is longer than the job may run (maxDurationMs ${maxDurationMs}).`,
      [{ path: 'body.model.budgetSeconds', message: 'must not exceed maxDurationMs / 1000' }],
    );
  const { task } = await validateTrainingRequest(db, projectId, request);
  const spec: JobSpec = { ...rest, task };
  const record = async (tx: Pick<Database, 'trainingJob'>, leftMs: number | null) =>
    tx.trainingJob.create({
      data: {
        projectId,
        datasetId,
        target,
        modelName,
        task,
        maxDurationMs: boundDuration(maxDurationMs, leftMs),
        spec: spec as unknown as Prisma.InputJsonValue,
        progress: { epochs: [], totalEpochs: request.model.epochs },
      },
    });
  const checked =
    quotas !== undefined &&
    (quotas.models !== null ||
      quotas.versions !== null ||
      quotas.storedBytes !== null ||
      quotas.trainingMinutesPerDay !== null);
  const job = await (
    checked
      ? db.$transaction(async (tx) => {
          await lockProject(tx, projectId);
          return record(tx, await checkTrainingQuotas(tx, quotas, projectId, modelName, new Date()));
        })
      : record(db, null)
  ).catch((error: unknown) => {
    // The dataset was deleted since it was validated (deleteDataset locks its row, so the
    // insert waited for the deletion and then found no row to refer to).
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2003')
      throw unknownDataset(datasetId);
    throw error;
  });
  try {
    await enqueueTraining(queue, job.id, { priority: await backlogPlace(db, job) });
  } catch (error) {
    await db.trainingJob.delete({ where: { id: job.id } }).catch(() => undefined);
    throw error;
  }
  return job;
}

/** The job's own maximum, shortened to the training time its project has left today. */
function boundDuration(requestedMs: number | undefined, leftMs: number | null): number | null {
  if (leftMs === null) return requestedMs ?? null;
  return Math.max(1, Math.floor(Math.min(requestedMs ?? Infinity, leftMs)));
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
    const ended = await db.trainingJob.updateMany({
      where: { id, status: 'queued' },
      data: { status: 'cancelled', finishedAt: new Date() },
    });
    if (ended.count) await announceTrainingJobEnd({ db }, id);
  }
  return db.trainingJob.findUniqueOrThrow({ where: { id } });
}
