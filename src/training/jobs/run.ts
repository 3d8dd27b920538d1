import { hostname } from 'node:os';
import type { Database } from '../../db/client.ts';
import { Prisma } from '../../db/client.ts';
import { DomainError, type JobFailure, type JobFailureCode } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { saveModelArtifact } from '../../registry/artifact-io.ts';
import { backgroundMetadata } from '../../explanations/background.ts';
import type { ArtifactStore } from '../../storage/artifact-store.ts';
import { attemptPrefix, collectJobGarbage } from './artifacts.ts';
import type { JobSpec } from './submission.ts';
import { loadJobCheckpoint, saveJobCheckpoint, type CheckpointPointer } from './checkpoints.ts';
import { disposeLoopState } from '../loop/checkpoint.ts';
import { registerVersion } from '../../registry/register-version.ts';
import type { RouteChangeNotifier } from '../../registry/route-changes.ts';
import { trainOnDataset, type TrainingResult } from '../pipelines/dataset.ts';
import type { DataPath } from '../pipelines/data-path.ts';
import { PeakRss } from '../../observability/peak-rss.ts';
import { requireFiniteWeights, trainingDiverged } from '../loop/training-diverged.ts';
import { TrainingCancelled } from '../loop/training-cancelled.ts';
import type { EpochReport, LoopState } from '../loop/tabular-loop.ts';
import { TrainingPreempted } from '../loop/training-preempted.ts';
import type { QuotaSettings } from '../../quotas/quota-limits.ts';
import { claimTrainingJob } from './scheduling.ts';
import type { JobEventPublisher } from '../../queue/job-events.ts';
import { completeTrial, rungCheck, stopTrial, trialInclude } from '../../tuning/trials.ts';
import {
  autoFamilies,
  searchModel,
  SearchFruitless,
  type AutoRequestSpec,
  type AutoTrial,
} from '../../tuning/automl.ts';
import type { ColumnProfile } from '../../datasets/column-profile.ts';
import { DEFAULT_AUTO_BUDGET_SECONDS } from '../../models/model-spec.ts';
import { planDataKind, sequenceOf } from '../pipelines/deep-plan.ts';
import { announceTrainingJobEnd } from '../../webhooks/job-events.ts';

export interface TrainingContext {
  db: Database;
  store: ArtifactStore;
  logger: Logger;
  /** The quota defaults: a project's concurrent-jobs quota decides whether a job may start. */
  quotas: QuotaSettings;
  maxDurationCapMs: number;
  checkpointEveryEpochs: number;
  checkpointEveryMs: number;
  /** Pixels one training image may declare (MAX_IMAGE_PIXELS); larger ones are left out undecoded. */
  maxImagePixels?: number;
  /** Announces status changes and epochs to live event streams (src/queue/job-events.ts). */
  events?: JobEventPublisher;
  /** Tells the API processes a model has a new version (src/registry/route-changes.ts). */
  routeChanges?: RouteChangeNotifier;
  /** The training process's memory budget in MB (WORKER_MEMORY_MB): tables too large for it are streamed. */
  memoryBudgetMb?: number;
  /** TRAINING_STREAMING: `auto` by the budget, or forced. */
  streaming?: 'auto' | 'always' | 'never';
}

export interface RunOptions {
  /** Attempts the job may consume; the run that reaches it is the last. */
  maxAttempts: number;
  /** The queue's own count, which restarts when Redis loses the job: the larger one decides. */
  queueAttempt?: number;
  /** True once this run should checkpoint and hand the job back (worker shutting down). */
  shouldPreempt?: () => boolean;
}

/** A failure that retrying cannot fix (bad data, impossible hyperparameters): fail at once. */
export class PermanentTrainingError extends Error {}

/** How often (at most) a running job re-reads its row to notice a cancel request. */
const CANCEL_POLL_MS = 500;
/**
 * How often (at most) per-epoch progress is written. Each write carries the whole history, so
 * writing after every epoch of a fast job cost a database round trip per epoch and grew with
 * the epoch count; pollers still see progress four times a second, and the last epochs are
 * written when the run ends, whatever way it ends.
 */
const PROGRESS_EVERY_MS = 250;

/** One run of a job as `progress.runs` shows it. */
interface RunRecord {
  attempt: number;
  host: string;
  pid: number;
  startedAt: string;
  resumedFromEpoch: number | null;
  endedAt?: string;
  outcome?: string;
  /** How a table was read: held in memory or streamed from the store (tabular runs). */
  dataPath?: DataPath;
  /** The highest resident set size of the training process during the run, in MB. */
  peakRssMb?: number;
}

/**
 * Runs one attempt of a training job, from its PostgreSQL record to a registered model
 * version. Safe to run again for the same job: a finished job is left alone, a started one
 * resumes from its last checkpoint, and the unique `trainingJobId` on model versions lets
 * at most one attempt register. `attempts` counts runs that did not hand the job back.
 * A job whose project already runs as many jobs as its quota allows is not started:
 * 'deferred' says to hand it back to the queue for a while, unchanged.
 */
export async function runTrainingJob(
  ctx: TrainingContext,
  jobId: string,
  opts: RunOptions,
): Promise<'succeeded' | 'cancelled' | 'skipped' | 'preempted' | 'missing' | 'deferred'> {
  const { db, logger } = ctx;
  const job = await db.trainingJob.findUnique({ where: { id: jobId }, include: { dataset: true, ...trialInclude } });
  // Not this database's job, or one whose row is gone: the caller decides which (processor.ts).
  if (!job) return 'missing';
  if (job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled') return 'skipped';
  if (job.cancelRequested) {
    await finish(ctx, job, 'cancelled');
    return 'cancelled';
  }
  if (!job.dataset) {
    await finish(ctx, job, 'failed', {
      code: 'dataset_deleted',
      message: 'The dataset was deleted before training started.',
    });
    throw new PermanentTrainingError('dataset deleted');
  }
  let attempt = 0;
  const claimed = await claimTrainingJob(db, ctx.quotas, job, async (tx) => {
    ({ attempts: attempt } = await tx.trainingJob.update({
      where: { id: jobId },
      data: {
        status: 'running',
        attempts: { increment: 1 },
        startedAt: job.startedAt ?? new Date(),
        error: Prisma.DbNull,
      },
    }));
  });
  if (!claimed) return 'deferred';
  const started = Date.now();
  const isFinalAttempt = Math.max(attempt, opts.queueAttempt ?? 0) >= opts.maxAttempts;
  const maxDurationMs = Math.min(job.maxDurationMs ?? ctx.maxDurationCapMs, ctx.maxDurationCapMs);
  // As submission stored it, or as an older version (or a hand) wrote it: the pipeline validates it again.
  const spec = job.spec as unknown as JobSpec;

  let pointer = (job.checkpoint as unknown as CheckpointPointer | null) ?? undefined;
  const resumeFrom = pointer ? await loadJobCheckpoint(ctx.store, pointer, logger) : undefined;
  // The seed fixes the split and the initial weights: a resumed run must draw the same one.
  const seed = (resumeFrom && pointer?.seed) ?? spec.model.seed ?? Math.floor(Math.random() * 2 ** 31);
  const previous = job.progress as { epochs?: EpochReport[]; totalEpochs?: number; runs?: RunRecord[] };
  const history: EpochReport[] = resumeFrom ? [...resumeFrom.history] : [];
  const run: RunRecord = {
    attempt,
    host: hostname(),
    pid: process.pid,
    startedAt: new Date().toISOString(),
    resumedFromEpoch: resumeFrom ? resumeFrom.history.length : null,
  };
  const runs = [...(previous.runs ?? []), run];
  // An `auto` search's trials as they end (src/tuning/automl.ts).
  let searchTrials: AutoTrial[] | undefined;
  const writeProgress = (extra: Prisma.TrainingJobUpdateInput = {}) =>
    db.trainingJob.update({
      where: { id: jobId },
      data: {
        progress: {
          epochs: history,
          totalEpochs: previous.totalEpochs,
          runs,
          ...(searchTrials ? { automl: { trials: searchTrials } } : {}),
        } as unknown as Prisma.InputJsonValue,
        ...extra,
      },
    });
  await writeProgress({ resumedFromEpoch: run.resumedFromEpoch });
  // Announced once the record says running with this run's history (a resumed run's is shorter).
  ctx.events?.status(jobId, 'running');
  let progressWrittenAt = Date.now();
  let unwrittenEpochs = 0;
  const flushProgress = async () => {
    if (unwrittenEpochs === 0) return;
    unwrittenEpochs = 0;
    progressWrittenAt = Date.now();
    await writeProgress();
  };
  if (resumeFrom)
    logger.info(
      { jobId, attempt, resumedFromEpoch: run.resumedFromEpoch },
      'resuming training job from its checkpoint',
    );

  let timedOut = false;
  let lastPoll = 0;
  // A tuning trial reports its validation loss at each rung and stops when it trails (src/tuning).
  const trial = job.tuningTrial;
  const atRung = trial ? rungCheck(db, trial, spec.model.epochs) : undefined;
  let stoppedAtRung: number | undefined;
  const spentBefore = resumeFrom?.elapsedMs ?? 0;
  const rss = new PeakRss();
  // The run record keeps the peak however the run ends; written with the last progress.
  const notePeak = () => void (run.peakRssMb = rss.peakMb);
  try {
    const shouldStop = async () => {
      rss.sampleSoon();
      if (stoppedAtRung !== undefined) return true;
      // Training time across runs, so retries cannot stretch a job past its maximum.
      if (spentBefore + Date.now() - started > maxDurationMs) return (timedOut = true);
      if (Date.now() - lastPoll < CANCEL_POLL_MS) return false;
      lastPoll = Date.now();
      const row = await db.trainingJob.findUnique({ where: { id: jobId }, select: { cancelRequested: true } });
      return row?.cancelRequested ?? true;
    };
    const dataset = job.dataset;
    const dataLimits = {
      maxImagePixels: ctx.maxImagePixels,
      memoryBudgetMb: ctx.memoryBudgetMb,
      streaming: ctx.streaming,
      onDataPath: (path: DataPath) => void (run.dataPath = path),
    };
    /**
     * `auto`: the model search (src/tuning/automl.ts) within the request's budget and the job's
     * time left; every trial trains on the same split. The job's epochs are the chosen trial's,
     * and its hyperparameters record the search.
     */
    const searchAuto = async (model: AutoRequestSpec) => {
      const kind = planDataKind(
        dataset.columns as unknown as ColumnProfile[],
        job.target,
        'auto',
        spec.features,
        sequenceOf(model),
      );
      searchTrials = [];
      const split = { ...(spec.split ?? {}), seed: spec.split?.seed ?? seed };
      const searched = await searchModel(
        autoFamilies(kind, spec.task, model),
        (trialModel, hooks) =>
          trainOnDataset(
            ctx.store,
            dataset,
            { target: job.target, task: spec.task, features: spec.features, split, model: trialModel },
            hooks,
            dataLimits,
          ),
        {
          seed,
          // A row written before budgets existed has none: the default then.
          budgetMs: Math.max(
            0,
            Math.min((model.budgetSeconds ?? DEFAULT_AUTO_BUDGET_SECONDS) * 1000, maxDurationMs - spentBefore),
          ),
          shouldStop,
          shouldPreempt: opts.shouldPreempt,
          onTrial: async (ended) => {
            searchTrials!.push(ended);
            logger.info({ jobId, trial: ended }, 'model search trial ended');
            await writeProgress();
          },
        },
      );
      history.push(...searched.result.history);
      searched.result.hyperparameters = {
        ...searched.result.hyperparameters,
        automl: searched.record,
      } as typeof searched.result.hyperparameters;
      return searched.result;
    };
    // Tabular or deep (images, text, sequences), by the dataset's columns and the model type.
    const result =
      !trial && spec.model.type === 'auto'
        ? await searchAuto(spec.model as unknown as AutoRequestSpec)
        : await trainOnDataset(
            ctx.store,
            dataset,
            {
              target: job.target,
              task: spec.task,
              features: spec.features,
              split: spec.split,
              model: { ...spec.model, seed },
            },
            {
              resumeFrom,
              onEpoch: async (report) => {
                history.push(report);
                ctx.events?.epoch(jobId, report as unknown as Record<string, unknown>);
                unwrittenEpochs += 1;
                if (Date.now() - progressWrittenAt >= PROGRESS_EVERY_MS) await flushProgress();
                if (atRung && (await atRung(report, history)) === 'stop') stoppedAtRung = report.epoch;
              },
              shouldStop,
              shouldPreempt: opts.shouldPreempt,
              checkpoint: {
                everyEpochs: ctx.checkpointEveryEpochs,
                everyMs: ctx.checkpointEveryMs,
                save: async (state: LoopState) => {
                  pointer =
                    (await saveJobCheckpoint(db, ctx.store, job, state, { seed, attempt, previous: pointer })) ??
                    pointer;
                },
              },
            },
            dataLimits,
          );
    if (resumeFrom) disposeLoopState(resumeFrom);
    notePeak();
    unwrittenEpochs += 1;
    await flushProgress();
    try {
      requireFinite(result.model, history.at(-1));
    } catch (error) {
      result.model.dispose();
      throw error;
    }
    const prefix = attemptPrefix(job, attempt);
    const artifact = await saveModelArtifact(
      ctx.store,
      result.model,
      prefix,
      result.explanationBackground ? backgroundMetadata(result.explanationBackground) : undefined,
    );
    result.model.dispose();
    if (trial) {
      // A trial keeps its model aside; the search registers its best trial's when it ends.
      const kept = await completeTrial(db, job, trial, result, artifact);
      await collectJobGarbage(ctx.store, job, kept ? artifact.artifactKey : undefined);
      logger.info({ jobId, trial: trial.number, metrics: result.metrics }, 'tuning trial completed');
      return kept ? 'succeeded' : 'cancelled';
    }
    const registered = await registerVersion(db, job, result, artifact);
    await ctx.routeChanges?.changed({ projectId: job.projectId, model: job.modelName });
    // Whichever attempt registered, only its files are kept; checkpoints are done with.
    const version = await db.modelVersion.findUnique({
      where: { trainingJobId: jobId },
      select: { artifactKey: true },
    });
    ctx.events?.status(jobId, 'succeeded');
    await collectJobGarbage(ctx.store, job, version?.artifactKey);
    logger.info(
      { jobId, version: registered, metrics: result.metrics, dataPath: run.dataPath, peakRssMb: run.peakRssMb },
      'training job succeeded',
    );
    await announceTrainingJobEnd(ctx, jobId);
    return 'succeeded';
  } catch (error) {
    if (resumeFrom) disposeLoopState(resumeFrom);
    notePeak();
    unwrittenEpochs += 1;
    // The record keeps every epoch run, however the run ends (the hand-back below writes them too).
    if (!(error instanceof TrainingPreempted))
      await flushProgress().catch((err: unknown) => logger.warn({ err, jobId }, 'could not write the last progress'));
    if (error instanceof TrainingPreempted) {
      // Handed back, not failed: this run does not count against the job's attempts.
      Object.assign(run, { endedAt: new Date().toISOString(), outcome: 'handed back' });
      await writeProgress({ status: 'queued', attempts: { decrement: 1 } });
      ctx.events?.status(jobId, 'queued');
      logger.info({ jobId, epoch: error.epoch }, 'training job checkpointed and handed back');
      return 'preempted';
    }
    if (error instanceof TrainingCancelled) {
      if (trial && stoppedAtRung !== undefined) {
        await stopTrial(db, job, trial, stoppedAtRung);
        await collectJobGarbage(ctx.store, job);
        logger.info({ jobId, trial: trial.number, epoch: stoppedAtRung }, 'tuning trial stopped at a rung');
        return 'cancelled';
      }
      if (timedOut) {
        await finish(ctx, job, 'failed', {
          code: 'timed_out',
          message: `The job ran longer than its maximum of ${maxDurationMs} ms.`,
        });
        throw new PermanentTrainingError('timed out');
      }
      await finish(ctx, job, 'cancelled');
      return 'cancelled';
    }
    if (error instanceof SearchFruitless) {
      await finish(ctx, job, 'failed', { code: 'no_trial_completed', message: error.message, attempts: attempt });
      throw new PermanentTrainingError(error.message);
    }
    const permanent = error instanceof DomainError || error instanceof PermanentTrainingError;
    const message = (error as Error).message;
    if (permanent || isFinalAttempt) {
      const code: JobFailureCode = error instanceof DomainError ? error.code : 'training_failed';
      await finish(ctx, job, 'failed', { code, message, attempts: attempt });
      // The queue must not retry what the record says is over.
      throw new PermanentTrainingError(message);
    }
    // The queue retries it: the job reads as queued again, with the reason kept.
    await db.trainingJob.update({
      where: { id: jobId },
      data: { status: 'queued', error: { code: 'attempt_failed', message, attempt } satisfies JobFailure },
    });
    ctx.events?.status(jobId, 'queued');
    throw error;
  } finally {
    rss.stop();
  }
}

/** Only a model with finite weights and a finite last validation loss may become a version. */
function requireFinite(model: TrainingResult['model'], last: EpochReport | undefined): void {
  requireFiniteWeights(model);
  if (last?.valLoss !== undefined && !Number.isFinite(last.valLoss))
    throw trainingDiverged(`(validation loss ${last.valLoss} at epoch ${last.epoch})`);
}

/** Ends a job that produced no version, and drops whatever files its attempts left. */
async function finish(
  ctx: TrainingContext,
  job: { id: string; projectId: string },
  status: 'failed' | 'cancelled',
  error?: JobFailure,
) {
  const ended = await ctx.db.trainingJob.updateMany({
    where: { id: job.id, status: { in: ['queued', 'running'] } },
    data: { status, finishedAt: new Date(), checkpoint: Prisma.DbNull, ...(error ? { error } : {}) },
  });
  ctx.events?.status(job.id, status);
  await collectJobGarbage(ctx.store, job);
  if (ended.count) await announceTrainingJobEnd(ctx, job.id);
}
