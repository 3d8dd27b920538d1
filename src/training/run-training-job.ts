import type { ColumnProfile } from '../datasets/column-profile.ts';
import { readDatasetRows } from '../datasets/read-rows.ts';
import type { Database } from '../db/client.ts';
import { Prisma } from '../db/client.ts';
import { DomainError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Task } from '../models/task.ts';
import { saveModelArtifact } from '../registry/artifact-io.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { trainTabular, type TrainTabularInput } from './train-tabular.ts';
import { TrainingCancelled } from './training-cancelled.ts';
import type { EpochReport } from './training-loop.ts';

export interface TrainingContext {
  db: Database;
  store: ArtifactStore;
  logger: Logger;
  maxDurationCapMs: number;
}

export interface AttemptInfo {
  /** 1-based attempt number as the queue counts it. */
  attempt: number;
  /** Whether the queue will retry this job if the attempt throws. */
  isFinalAttempt: boolean;
}

/** A failure that retrying cannot fix (bad data, impossible hyperparameters): fail at once. */
export class PermanentTrainingError extends Error {}

/** How often (at most) a running job re-reads its row to notice a cancel request. */
const CANCEL_POLL_MS = 500;

/**
 * Runs one attempt of a training job, from its PostgreSQL record to a registered model
 * version. Safe to run again for the same job: a finished job is left alone, and the
 * unique `trainingJobId` on model versions lets at most one attempt register.
 */
export async function runTrainingJob(ctx: TrainingContext, jobId: string, attempt: AttemptInfo): Promise<'succeeded' | 'cancelled' | 'skipped'> {
  const { db, logger } = ctx;
  const job = await db.trainingJob.findUnique({ where: { id: jobId }, include: { dataset: true } });
  if (!job || job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled') return 'skipped';
  if (job.cancelRequested) {
    await finish(db, jobId, 'cancelled');
    return 'cancelled';
  }
  if (!job.dataset) {
    await finish(db, jobId, 'failed', { code: 'dataset_deleted', message: 'The dataset was deleted before training started.' });
    throw new PermanentTrainingError('dataset deleted');
  }
  const started = Date.now();
  const maxDurationMs = Math.min(job.maxDurationMs ?? ctx.maxDurationCapMs, ctx.maxDurationCapMs);
  await db.trainingJob.update({ where: { id: jobId }, data: { status: 'running', attempts: attempt.attempt, startedAt: job.startedAt ?? new Date(), error: Prisma.DbNull } });

  let timedOut = false;
  let lastPoll = 0;
  const history: EpochReport[] = [];
  try {
    const columns = job.dataset.columns as unknown as ColumnProfile[];
    const rows = await readDatasetRows({ source: ctx.store.createReadStream(job.dataset.artifactKey), format: job.dataset.format as 'csv' | 'ndjson', columns });
    const spec = job.spec as unknown as Omit<TrainTabularInput, 'rows' | 'columns' | 'target'> & { task: Task };
    const result = await trainTabular(
      { rows, columns, target: job.target, task: spec.task, features: spec.features, split: spec.split, model: spec.model },
      {
        onEpoch: async (report) => {
          history.push(report);
          await db.trainingJob.update({ where: { id: jobId }, data: { progress: { epochs: history, totalEpochs: report.epochs } as unknown as Prisma.InputJsonValue } });
        },
        shouldStop: async () => {
          if (Date.now() - started > maxDurationMs) return (timedOut = true);
          if (Date.now() - lastPoll < CANCEL_POLL_MS) return false;
          lastPoll = Date.now();
          const row = await db.trainingJob.findUnique({ where: { id: jobId }, select: { cancelRequested: true } });
          return row?.cancelRequested ?? true;
        },
      },
    );
    const prefix = `models/${job.projectId}/${jobId}/attempt-${attempt.attempt}`;
    const artifact = await saveModelArtifact(ctx.store, result.model, prefix);
    result.model.dispose();
    const registered = await registerVersion(db, job, result, artifact);
    if (!registered) await ctx.store.deletePrefix(prefix);
    logger.info({ jobId, version: registered, metrics: result.metrics }, 'training job succeeded');
    return 'succeeded';
  } catch (error) {
    if (error instanceof TrainingCancelled) {
      if (timedOut) {
        await finish(db, jobId, 'failed', { code: 'timed_out', message: `The job ran longer than its maximum of ${maxDurationMs} ms.` });
        throw new PermanentTrainingError('timed out');
      }
      await finish(db, jobId, 'cancelled');
      return 'cancelled';
    }
    const permanent = error instanceof DomainError || error instanceof PermanentTrainingError;
    const message = (error as Error).message;
    if (permanent || attempt.isFinalAttempt) {
      const code = error instanceof DomainError ? error.code : 'training_failed';
      await finish(db, jobId, 'failed', { code, message, attempts: attempt.attempt });
      throw permanent ? new PermanentTrainingError(message) : error;
    }
    // The queue retries it: the job reads as queued again, with the reason kept.
    await db.trainingJob.update({ where: { id: jobId }, data: { status: 'queued', error: { code: 'attempt_failed', message, attempt: attempt.attempt } } });
    throw error;
  }
}

async function finish(db: Database, jobId: string, status: 'failed' | 'cancelled', error?: Record<string, unknown>) {
  await db.trainingJob.updateMany({
    where: { id: jobId, status: { in: ['queued', 'running'] } },
    data: { status, finishedAt: new Date(), ...(error ? { error: error as Prisma.InputJsonValue } : {}) },
  });
}

type JobRow = { id: string; projectId: string; modelName: string; datasetId: string | null; task: string };
type Trained = Awaited<ReturnType<typeof trainTabular>>;

/**
 * Registers the version and ends the job in one transaction, so a job is never
 * "succeeded" without its version nor a version left without its job's success. Version
 * numbers come from an atomic increment on the model row: concurrent jobs never collide
 * or skip. Returns null when another attempt of this job already registered.
 */
async function registerVersion(db: Database, job: JobRow, result: Trained, artifact: { artifactKey: string; sha256: string }): Promise<number | null> {
  for (let tries = 0; ; tries++) {
    try {
      return await db.$transaction(async (tx) => {
        const current = await tx.trainingJob.findUniqueOrThrow({ where: { id: job.id }, select: { status: true, cancelRequested: true } });
        if (current.status !== 'running' && current.status !== 'queued') return null;
        if (current.cancelRequested) {
          // Cancelled after the last batch: honour it, no version.
          await tx.trainingJob.update({ where: { id: job.id }, data: { status: 'cancelled', finishedAt: new Date() } });
          return null;
        }
        const model = await tx.model.upsert({
          where: { projectId_name: { projectId: job.projectId, name: job.modelName } },
          create: { projectId: job.projectId, name: job.modelName, task: result.task, latestVersion: 1 },
          update: { latestVersion: { increment: 1 } },
        });
        const version = await tx.modelVersion.create({
          data: {
            modelId: model.id, version: model.latestVersion, trainingJobId: job.id, datasetId: job.datasetId!,
            modelType: result.modelType, task: result.task, artifactKey: artifact.artifactKey, artifactSha256: artifact.sha256,
            hyperparameters: result.hyperparameters as unknown as Prisma.InputJsonValue,
            preprocessing: result.preprocessing as unknown as Prisma.InputJsonValue,
            inputSchema: result.inputSchema as unknown as Prisma.InputJsonValue,
            outputSchema: result.outputSchema as unknown as Prisma.InputJsonValue,
            metrics: { ...result.metrics, excludedColumns: result.excludedColumns, rowCounts: result.rowCounts, bestEpoch: result.bestEpoch, stoppedEarly: result.stoppedEarly } as unknown as Prisma.InputJsonValue,
            backend: result.backend, trainingDurationMs: Math.round(result.durationMs),
          },
        });
        await tx.trainingJob.update({
          where: { id: job.id },
          data: { status: 'succeeded', finishedAt: new Date(), backend: result.backend, metrics: result.metrics as unknown as Prisma.InputJsonValue, error: Prisma.DbNull },
        });
        return version.version;
      });
    } catch (error) {
      const code = error instanceof Prisma.PrismaClientKnownRequestError ? error.code : '';
      // P2002: a concurrent first version created the model row, or another attempt of this job registered.
      if (code === 'P2002' && tries < 5) {
        if (await db.modelVersion.findUnique({ where: { trainingJobId: job.id } })) return null;
        continue;
      }
      throw error;
    }
  }
}
