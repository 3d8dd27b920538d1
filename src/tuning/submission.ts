/**
 * Submitting and cancelling tuning jobs. A request is checked before anything is stored: every
 * edge of its search space must make a valid training request on the dataset (the same checks a
 * training job's submission runs), the objective must exist for the task, and the project must
 * have room for a version.
 */
import { randomInt } from 'node:crypto';
import type { Database } from '../db/client.ts';
import type { Prisma } from '../db/client.ts';
import { UnprocessableError, ValidationError } from '../errors.ts';
import { checkTrainingQuotas, lockProject } from '../quotas/quota-checks.ts';
import type { QuotaLimits } from '../quotas/quota-limits.ts';
import { enqueueTuningStep, type TrainingQueue } from '../queue/training-queue.ts';
import { cancelTrainingJob, validateTrainingRequest } from '../training/jobs/submission.ts';
import { defaultSplit } from '../training/pipelines/split.ts';
import { advanceTuningJob, type CoordinatorContext } from './coordinator.ts';
import { directionOf, metricFitsTask, type TuningRequest, type TuningSpec } from './request.ts';
import { cornerPoints, materialize } from './search-space.ts';
import type { ModelLimits } from '../models/model-spec.ts';

/** Paths of the model and search space as the request body names them. */
function inBody(error: unknown): unknown {
  if (!(error instanceof ValidationError)) return error;
  const issues = error.issues?.map((issue) => ({
    ...issue,
    path: issue.path.startsWith('body.') ? issue.path : `body.${issue.path}`,
  }));
  return new ValidationError(error.message, issues, error.extra);
}

/** Records a tuning job and enqueues its first coordinator step (see coordinator.ts). */
export async function submitTuningJob(
  db: Database,
  queue: TrainingQueue,
  projectId: string,
  request: TuningRequest,
  limits: ModelLimits,
  quotas?: QuotaLimits,
) {
  const {
    datasetId,
    target,
    modelName,
    task: requestedTask,
    features,
    split,
    seed: requestedSeed,
    ...search
  } = request;
  let task: string | undefined;
  for (const point of cornerPoints(request.searchSpace)) {
    let model;
    try {
      model = materialize(request.model, point, limits);
    } catch (error) {
      throw inBody(error);
    }
    const plan = await validateTrainingRequest(db, projectId, {
      datasetId,
      target,
      modelName,
      task: requestedTask,
      features,
      split,
      model,
    });
    task ??= plan.task;
  }
  if (!metricFitsTask(search.objective.metric, task!))
    throw new UnprocessableError(
      'model_task_mismatch',
      `The objective ${search.objective.metric} is not a ${task} metric.`,
      [{ path: 'body.objective.metric', message: `not a ${task} metric` }],
    );
  if ((split ?? defaultSplit).validation === 0)
    throw new UnprocessableError(
      'early_stopping_without_validation',
      'Trials are ranked (and stopped at rungs) on the validation split: split.validation must be > 0.',
      [{ path: 'body.split.validation', message: 'must be > 0' }],
    );
  const seed = requestedSeed ?? randomInt(2 ** 31);
  const spec: TuningSpec = {
    ...search,
    ...(features ? { features } : {}),
    ...(split ? { split } : {}),
    task: requestedTask ?? (task as 'classification' | 'regression'),
    seed,
    direction: directionOf(search.objective),
  };
  const record = (tx: Pick<Database, 'tuningJob'>) =>
    tx.tuningJob.create({
      data: { projectId, datasetId, target, modelName, task: task!, spec: spec as unknown as Prisma.InputJsonValue },
    });
  const job = await (quotas &&
  (quotas.models !== null ||
    quotas.versions !== null ||
    quotas.storedBytes !== null ||
    quotas.trainingMinutesPerDay !== null)
    ? db.$transaction(async (tx) => {
        await lockProject(tx, projectId);
        await checkTrainingQuotas(tx, quotas, projectId, modelName, new Date());
        return record(tx);
      })
    : record(db));
  try {
    await enqueueTuningStep(queue, job.id, 'start');
  } catch (error) {
    await db.tuningJob.delete({ where: { id: job.id } }).catch(() => undefined);
    throw error;
  }
  return job;
}

/**
 * Cancels a search: no trial starts any more, every trial still queued or running is cancelled
 * (a running one stops at its next batch), and the search ends cancelled, without a version,
 * once its last trial has. Null for another project's (or no) search.
 */
export async function cancelTuningJob(ctx: CoordinatorContext, projectId: string, id: string) {
  const { db } = ctx;
  const job = await db.tuningJob.findFirst({ where: { id, projectId } });
  if (!job) return null;
  if (job.status !== 'queued' && job.status !== 'running') return job;
  await db.tuningJob.update({ where: { id }, data: { cancelRequested: true } });
  const live = await db.tuningTrial.findMany({
    where: { tuningJobId: id, trainingJob: { status: { in: ['queued', 'running'] } } },
    select: { trainingJobId: true },
  });
  for (const trial of live)
    if (trial.trainingJobId) await cancelTrainingJob(db, ctx.queue, projectId, trial.trainingJobId);
  await advanceTuningJob(ctx, id);
  return db.tuningJob.findUniqueOrThrow({ where: { id } });
}
