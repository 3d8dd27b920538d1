/**
 * The tuning coordinator: one idempotent step, run as a 'tune' job on the training queue whenever
 * a search starts, a trial ends, a search is cancelled, and on every worker maintenance round. A
 * step reads the search from PostgreSQL (the record), brings its trials' states in line with their
 * training jobs, starts the trials it may, and once no trial runs and none may start, registers the
 * best trial's model as the one version (moving the alias) and cleans up. Steps of one search run
 * one at a time (the row's lock), so a crashed worker, a repeated step or two steps racing leave
 * the same record: every trial accounted for and exactly one version.
 *
 * Trial n starts only once trials 0..n-P (P = parallelTrials) are over: at most P run at once, and
 * the point a trial tries (TPE) and its rung verdicts (ASHA) depend only on those settled trials,
 * so a search is reproducible for its seed and parallelism, whichever worker is faster.
 */
import type { Database } from '../db/client.ts';
import { Prisma } from '../db/client.ts';
import type { JobFailure } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { SeededRandom } from '../ml/seeded-random.ts';
import { trainingMsToday } from '../quotas/project-usage.ts';
import { quotaLimitsOf, type QuotaSettings } from '../quotas/quota-limits.ts';
import { enqueueTraining, enqueueTuningStep, type TrainingQueue } from '../queue/training-queue.ts';
import { moveAlias } from '../registry/alias-routing.ts';
import { enqueueWebhookEvent } from '../webhooks/events.ts';
import { registerVersion } from '../registry/register-version.ts';
import type { RouteChangeNotifier } from '../registry/route-changes.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { collectJobGarbage } from '../training/jobs/artifacts.ts';
import { mix } from '../training/loop/gradient-step.ts';
import { asLoss, type TuningSpec } from './request.ts';
import { materialize, sampleRandom, type Params } from './search-space.ts';
import { defaultStartupTrials, sampleTpe, type Observation } from './tpe.ts';
import type { TrialResult } from './trials.ts';

export interface CoordinatorContext {
  db: Database;
  store: ArtifactStore;
  queue: TrainingQueue;
  logger: Logger;
  quotas: QuotaSettings;
  /** Tells the API processes the model's routes changed (src/registry/route-changes.ts). */
  routeChanges?: RouteChangeNotifier;
}

const LIVE = ['queued', 'running'] as const;
const isLive = (status: string) => (LIVE as readonly string[]).includes(status);

/** Failures only a tuning job's row records. */
export type TuningFailure = {
  code: 'no_successful_trial' | 'dataset_deleted' | 'registration_failed';
  message: string;
};

type TrialRow = Prisma.TuningTrialGetPayload<{ include: { trainingJob: { select: { status: true; error: true } } } }>;

/** The point trial `number` tries: random, or TPE on the trials settled before it. */
export function proposePoint(spec: TuningSpec, number: number, settled: TrialRow[]): Params {
  const random = new SeededRandom(mix(spec.seed, number, 0x7e));
  if (spec.algorithm === 'random') return sampleRandom(spec.searchSpace, random);
  const observations: Observation[] = settled.flatMap((trial) => {
    if (trial.state === 'completed' && trial.objective !== null)
      return [{ params: trial.params as Params, loss: asLoss(trial.objective, spec.direction) }];
    // A trial stopped at a rung, or one that failed (a learning rate that diverged), is a bad point.
    if (trial.state === 'stopped' || trial.state === 'failed')
      return [{ params: trial.params as Params, loss: Infinity }];
    return [];
  });
  return sampleTpe(spec.searchSpace, observations, random, { startupTrials: defaultStartupTrials(spec.maxTrials) });
}

/** The trial's state from its training job's, for a trial whose run could not report its own end. */
function settledState(trial: TrialRow): string | null {
  if (trial.state !== 'running') return null;
  const job = trial.trainingJob;
  if (!job) return 'cancelled';
  if (isLive(job.status)) return null;
  if (job.status === 'cancelled')
    return (job.error as JobFailure | null)?.code === 'trial_stopped' ? 'stopped' : 'cancelled';
  // Succeeded without the trial recording its result cannot happen (one transaction); failed is failed.
  return 'failed';
}

/** Runs one step of the search (see the file comment); returns the search's status after it. */
export async function advanceTuningJob(ctx: CoordinatorContext, tuningJobId: string): Promise<string | null> {
  const { db } = ctx;
  const toEnqueue: string[] = [];
  const outcome = await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT 1 FROM "TuningJob" WHERE id = ${tuningJobId} FOR UPDATE`;
      const job = await tx.tuningJob.findUnique({ where: { id: tuningJobId } });
      if (!job) return null;
      if (!isLive(job.status)) return { status: job.status, finalize: false };
      const spec = job.spec as unknown as TuningSpec;
      const now = new Date();
      const startedAt = job.startedAt ?? now;
      if (job.status === 'queued')
        await tx.tuningJob.update({ where: { id: job.id }, data: { status: 'running', startedAt } });
      let trials: TrialRow[] = await tx.tuningTrial.findMany({
        where: { tuningJobId },
        include: { trainingJob: { select: { status: true, error: true } } },
        orderBy: { number: 'asc' },
      });
      for (const trial of trials) {
        const state = settledState(trial);
        if (state) {
          await tx.tuningTrial.update({ where: { id: trial.id }, data: { state, finishedAt: now } });
          trial.state = state;
        }
      }
      // Cancelling: the trials still running were asked to stop (cancelTuningJob); nothing new starts.
      const deadline = startedAt.getTime() + spec.maxMinutes * 60_000;
      let leftMs = deadline - now.getTime();
      if (!job.cancelRequested && leftMs > 0 && trials.length < spec.maxTrials && job.datasetId) {
        const limits = await quotaLimitsOf(tx, ctx.quotas, job.projectId);
        if (limits.trainingMinutesPerDay !== null)
          leftMs = Math.min(
            leftMs,
            limits.trainingMinutesPerDay * 60_000 - (await trainingMsToday(tx, job.projectId, now)),
          );
        const base = spec.model as Record<string, unknown>;
        for (let number = trials.length; number < spec.maxTrials && leftMs >= 1_000; number++) {
          const window = trials.filter((trial) => trial.number <= number - spec.parallelTrials);
          if (window.some((trial) => trial.state === 'running')) break;
          if (trials.filter((trial) => trial.state === 'running').length >= spec.parallelTrials) break;
          const params = proposePoint(spec, number, window);
          const model = materialize(
            { ...base, seed: base.seed ?? mix(spec.seed, number, 0x5eed) & 0x7fffffff },
            params,
          );
          const trainingJob = await tx.trainingJob.create({
            data: {
              projectId: job.projectId,
              datasetId: job.datasetId,
              target: job.target,
              modelName: job.modelName,
              task: job.task,
              maxDurationMs: Math.max(1_000, Math.floor(leftMs)),
              spec: {
                task: job.task,
                ...(spec.features ? { features: spec.features } : {}),
                // One split for every trial: their objectives are measured on the same validation rows.
                split: { ...(spec.split ?? {}), seed: spec.split?.seed ?? spec.seed },
                model,
              } as unknown as Prisma.InputJsonValue,
              progress: { epochs: [], totalEpochs: model.epochs },
            },
          });
          const trial = await tx.tuningTrial.create({
            data: { tuningJobId, number, params: params as Prisma.InputJsonValue, trainingJobId: trainingJob.id },
            include: { trainingJob: { select: { status: true, error: true } } },
          });
          trials = [...trials, trial];
          toEnqueue.push(trainingJob.id);
        }
      }
      const running = trials.some((trial) => trial.state === 'running');
      return { status: 'running', finalize: !running && toEnqueue.length === 0 };
    },
    { maxWait: 15_000, timeout: 30_000 },
  );
  if (!outcome) return null;
  // Trials recorded but not enqueued (a crash just here) are re-enqueued by the training reconciler.
  for (const id of toEnqueue) await enqueueTraining(ctx.queue, id, { priority: 1 });
  if (!outcome.finalize) return outcome.status;
  return finishTuningJob(ctx, tuningJobId);
}

/**
 * Ends a search none of whose trials runs: cancelled when asked; otherwise the best completed
 * trial (ties to the earlier) registers its model as a version recording the search and the trial,
 * and the alias moves to it; no completed trial fails the search. Every other trial's model is
 * deleted. Idempotent: registration is keyed by the trial's job, and the alias move is a no-op
 * when repeated.
 */
async function finishTuningJob(ctx: CoordinatorContext, tuningJobId: string): Promise<string | null> {
  const { db } = ctx;
  const job = await db.tuningJob.findUnique({
    where: { id: tuningJobId },
    include: { trials: { orderBy: { number: 'asc' }, include: { trainingJob: true } } },
  });
  if (!job) return null;
  if (!isLive(job.status)) return job.status;
  const spec = job.spec as unknown as TuningSpec;
  const end = async (
    status: 'succeeded' | 'failed' | 'cancelled',
    data: Prisma.TuningJobUpdateManyMutationInput = {},
  ) => {
    const ended = await db.tuningJob.updateMany({
      where: { id: job.id, status: { in: [...LIVE] } },
      data: { status, finishedAt: new Date(), ...data },
    });
    // Once per search: only the step whose update ended it announces it.
    if (ended.count > 0) {
      await enqueueWebhookEvent({ db, logger: ctx.logger }, job.projectId, 'tuning.finished', {
        tuningJobId: job.id,
        model: job.modelName,
        status,
        bestTrial: data.bestTrial ?? null,
      });
    }
    // Trials' models are no longer needed: the registered one lives on under its version.
    for (const trial of job.trials) {
      if (trial.trainingJobId === null) continue;
      const version = await db.modelVersion.findUnique({
        where: { trainingJobId: trial.trainingJobId },
        select: { artifactKey: true },
      });
      await collectJobGarbage(ctx.store, { id: trial.trainingJobId, projectId: job.projectId }, version?.artifactKey);
    }
    await db.tuningTrial.updateMany({
      where: { tuningJobId, result: { not: Prisma.DbNull } },
      data: { result: Prisma.DbNull },
    });
    ctx.logger.info({ tuningJobId, status }, 'tuning job ended');
    return status;
  };
  if (job.cancelRequested) return end('cancelled');
  const completed = job.trials.filter(
    (trial) => trial.state === 'completed' && trial.objective !== null && trial.result !== null && trial.trainingJob,
  );
  const best = completed.reduce<(typeof completed)[number] | undefined>(
    (winner, trial) =>
      winner === undefined || asLoss(trial.objective!, spec.direction) < asLoss(winner.objective!, spec.direction)
        ? trial
        : winner,
    undefined,
  );
  if (!best) {
    const error: TuningFailure = {
      code: 'no_successful_trial',
      message: `None of the ${job.trials.length} trial(s) completed with a value of ${spec.objective.metric}.`,
    };
    return end('failed', { error });
  }
  const trainingJob = best.trainingJob!;
  if (!trainingJob.datasetId) {
    const error: TuningFailure = {
      code: 'dataset_deleted',
      message: 'The dataset was deleted before the search ended.',
    };
    return end('failed', { error });
  }
  const { version, artifact } = best.result as unknown as TrialResult;
  await registerVersion(db, trainingJob, version, artifact, { tuning: { jobId: job.id, trial: best.number } });
  await ctx.routeChanges?.changed({ projectId: job.projectId, model: job.modelName });
  const registered = await db.modelVersion.findUnique({
    where: { trainingJobId: trainingJob.id },
    select: { version: true },
  });
  if (!registered) {
    const error: TuningFailure = { code: 'registration_failed', message: 'The best trial could not be registered.' };
    return end('failed', { error });
  }
  if (spec.alias) {
    const move = await moveAlias(db, job.projectId, job.modelName, spec.alias, { version: registered.version });
    await ctx.routeChanges?.changed({ projectId: job.projectId, model: job.modelName });
    await enqueueWebhookEvent({ db, logger: ctx.logger }, job.projectId, 'alias.moved', {
      model: job.modelName,
      alias: move.alias,
      version: move.version,
      previousVersion: move.previousVersion,
    });
  }
  return end('succeeded', { bestTrial: best.number });
}

/**
 * Enqueues a step for every search still queued or running: the maintenance round's safety net
 * for a step lost with a crashed worker or an emptied Redis.
 */
export async function reconcileTuningJobs(db: Database, queue: TrainingQueue): Promise<number> {
  const live = await db.tuningJob.findMany({ where: { status: { in: [...LIVE] } }, select: { id: true }, take: 1000 });
  const round = Math.floor(Date.now() / 10_000);
  for (const { id } of live) await enqueueTuningStep(queue, id, `m${round}`);
  return live.length;
}
