/**
 * The worker's side of a trial (a training job that belongs to a tuning job, see run.ts): report
 * the validation loss at each rung and learn whether to go on (asha.ts), and end as a completed
 * trial that keeps its model aside, instead of registering a version: only the search's best
 * trial registers one, when the search ends (coordinator.ts).
 */
import type { Database } from '../db/client.ts';
import { Prisma } from '../db/client.ts';
import type { SavedModelArtifact } from '../registry/artifact-io.ts';
import type { TrainedVersion } from '../registry/register-version.ts';
import type { EpochReport } from '../training/loop/epoch-loop.ts';
import { continuesAtRung, defaultMinEpochs, rungEpochs, type RungResult } from './asha.ts';
import { objectiveValue, type TuningSpec } from './request.ts';

/** The trial row with what a run needs of its tuning job. */
export interface TrialOfJob {
  id: string;
  number: number;
  tuningJobId: string;
  rungs: unknown;
  tuningJob: { spec: unknown };
}

/** What a completed trial keeps until the search ends: the version as registration stores it, and its artifact. */
export interface TrialResult {
  version: TrainedVersion;
  artifact: SavedModelArtifact;
}

/** The include that loads a job's trial with its tuning job's spec. */
export const trialInclude = {
  tuningTrial: {
    select: { id: true, number: true, tuningJobId: true, rungs: true, tuningJob: { select: { spec: true } } },
  },
} as const;

/**
 * The rung check a trial runs after each epoch: at a rung epoch it records its best validation
 * loss so far and the verdict against the trials settled before it started; 'stop' ends the
 * trial. A verdict already recorded (a run resumed past a rung) stands.
 */
export function rungCheck(db: Database, trial: TrialOfJob, epochs: number) {
  const spec = trial.tuningJob.spec as TuningSpec;
  const stopping = spec.trialStopping;
  if (stopping === false) return async () => 'continue' as const;
  const minEpochs = stopping.minEpochs ?? defaultMinEpochs(epochs, stopping.reductionFactor);
  const rungs = new Set(rungEpochs({ minEpochs, reductionFactor: stopping.reductionFactor }, epochs));
  return async (report: EpochReport, history: EpochReport[]): Promise<'continue' | 'stop'> => {
    if (!rungs.has(report.epoch)) return 'continue';
    const losses = history.map((h) => h.valLoss).filter((v): v is number => v !== undefined);
    if (losses.length === 0) return 'continue';
    const value = Math.min(...losses);
    return db.$transaction(async (tx) => {
      const row = await tx.tuningTrial.findUniqueOrThrow({ where: { id: trial.id }, select: { rungs: true } });
      const recorded = (row.rungs as unknown as RungResult[]).find((rung) => rung.epoch === report.epoch);
      if (recorded) return recorded.decision;
      // Trials settled before this one started: 0 .. number - parallelTrials (coordinator.ts).
      const earlier = await tx.tuningTrial.findMany({
        where: { tuningJobId: trial.tuningJobId, number: { lte: trial.number - spec.parallelTrials } },
        select: { rungs: true },
      });
      const values = earlier.flatMap((other) =>
        (other.rungs as unknown as RungResult[])
          .filter((rung) => rung.epoch === report.epoch)
          .map((rung) => rung.value),
      );
      const decision = continuesAtRung(value, values, stopping.reductionFactor) ? 'continue' : 'stop';
      const rung: RungResult = { epoch: report.epoch, value, decision };
      await tx.tuningTrial.update({
        where: { id: trial.id },
        data: { rungs: [...(row.rungs as unknown as RungResult[]), rung] as unknown as Prisma.InputJsonValue },
      });
      return decision;
    });
  };
}

/**
 * Ends a trial's training job as succeeded with its objective and its model kept aside, in one
 * transaction (a job cancelled meanwhile ends cancelled instead). False when the job was no
 * longer running: another attempt finished it.
 */
export async function completeTrial(
  db: Database,
  job: { id: string },
  trial: TrialOfJob,
  run: TrainedVersion & { history: EpochReport[]; validationMetrics?: object },
  artifact: SavedModelArtifact,
): Promise<boolean> {
  const spec = trial.tuningJob.spec as TuningSpec;
  const objective = objectiveValue(spec.objective.metric, run);
  const { history: _history, validationMetrics, ...version } = run as typeof run & { model?: unknown };
  delete (version as { model?: unknown }).model;
  return db.$transaction(async (tx) => {
    const current = await tx.trainingJob.findUniqueOrThrow({
      where: { id: job.id },
      select: { status: true, cancelRequested: true },
    });
    if (current.status !== 'running' && current.status !== 'queued') return false;
    const now = new Date();
    if (current.cancelRequested) {
      await tx.trainingJob.update({ where: { id: job.id }, data: { status: 'cancelled', finishedAt: now } });
      await tx.tuningTrial.update({ where: { id: trial.id }, data: { state: 'cancelled', finishedAt: now } });
      return false;
    }
    await tx.trainingJob.update({
      where: { id: job.id },
      data: {
        status: 'succeeded',
        finishedAt: now,
        backend: run.backend,
        metrics: {
          ...run.metrics,
          ...(validationMetrics ? { validation: validationMetrics } : {}),
        } as Prisma.InputJsonValue,
        error: Prisma.DbNull,
        checkpoint: Prisma.DbNull,
      },
    });
    await tx.tuningTrial.update({
      where: { id: trial.id },
      data: {
        // A run without the objective's value (no validation split) cannot be ranked.
        state: objective === null ? 'failed' : 'completed',
        objective,
        result: { version, artifact } satisfies TrialResult as unknown as Prisma.InputJsonValue,
        artifactKey: artifact.artifactKey,
        finishedAt: now,
      },
    });
    return true;
  });
}

/** Ends a trial stopped at a rung: its job ends cancelled (`trial_stopped`), the trial 'stopped'. */
export async function stopTrial(db: Database, job: { id: string }, trial: TrialOfJob, epoch: number): Promise<void> {
  const now = new Date();
  await db.$transaction([
    db.trainingJob.updateMany({
      where: { id: job.id, status: { in: ['queued', 'running'] } },
      data: {
        status: 'cancelled',
        finishedAt: now,
        checkpoint: Prisma.DbNull,
        error: {
          code: 'trial_stopped',
          message: `Stopped at epoch ${epoch}: it trailed the other trials at that rung.`,
        },
      },
    }),
    db.tuningTrial.updateMany({
      where: { id: trial.id, state: 'running' },
      data: { state: 'stopped', finishedAt: now },
    }),
  ]);
}
