import { recordAuditEvent } from '../audit/audit-log.ts';
import { serialisedTransaction } from './model-registry.ts';
import type { SavedModelArtifact } from './artifact-io.ts';
import type { Database } from '../db/client.ts';
import { Prisma } from '../db/client.ts';
import { UnprocessableError } from '../errors.ts';
import type { VersionEvaluation } from '../evaluation/plots.ts';
import type { Task } from '../models/task.ts';
import type { AnyPreprocessing } from '../preprocessing/deep-state.ts';
import type { ExcludedColumn } from '../preprocessing/feature-selection.ts';
import type { InputSchema, OutputSchema } from '../preprocessing/preprocessing-state.ts';

/**
 * A model name holds versions of one task: a regression version of a classification model
 * would answer its clients in another shape under the same name. Checked at submission
 * (training/jobs/submission.ts) and again at registration, for jobs that raced the model's
 * first version.
 */
export function checkModelTask(model: { task: string } | null, name: string, task: Task): void {
  if (model && model.task !== task)
    throw new UnprocessableError(
      'model_task_conflict',
      `Model '${name}' holds ${model.task} versions; this job would train ${task}. ` +
        'Train it under another model name.',
      [{ path: 'modelName', message: `is a ${model.task} model` }],
    );
}

/** The job fields registration needs. */
export type JobRow = { id: string; projectId: string; modelName: string; datasetId: string | null; task: string };

/**
 * What a model version records besides its artifact, as training hands it over: how the model
 * was trained (type, task, hyperparameters, backend, time), how its inputs are prepared
 * (preprocessing, input and output schemas) and how it did on held-out data. Training
 * produces it (`TrainingOutcome` narrows each field); registration stores it as it is.
 */
export interface TrainedVersion<
  Preprocessing extends AnyPreprocessing = AnyPreprocessing,
  ModelType extends string = string,
> {
  task: Task;
  modelType: ModelType;
  hyperparameters: object;
  preprocessing: Preprocessing;
  inputSchema: InputSchema;
  outputSchema: OutputSchema;
  /** Metrics on the held-out test split. */
  metrics: object;
  /** Curves, confusion matrix, epochs, residuals and importance on the test split (evaluation/plots.ts). */
  evaluation?: VersionEvaluation;
  excludedColumns: ExcludedColumn[];
  rowCounts: {
    total: number;
    droppedMissingTarget: number;
    train: number;
    validation: number;
    test: number;
    /** Test rows the metrics were measured on, when fewer than `test` (a bounded sample of a streamed table). */
    testEvaluated?: number;
  };
  bestEpoch: number;
  stoppedEarly: boolean;
  backend: string;
  durationMs: number;
}

export interface RegisterOptions {
  /**
   * The version is a tuning job's best trial: its training job already succeeded, and the
   * version records the search and the trial's number.
   */
  tuning?: { jobId: string; trial: number };
}

/**
 * Registers the version and ends the job in one transaction, so a job is never
 * "succeeded" without its version nor a version left without its job's success. Version
 * numbers come from an atomic increment on the model row: concurrent jobs never collide
 * or skip. Returns null when another attempt of this job already registered.
 */
export async function registerVersion(
  db: Database,
  job: JobRow,
  result: TrainedVersion,
  artifact: SavedModelArtifact,
  opts: RegisterOptions = {},
): Promise<number | null> {
  for (let tries = 0; ; tries++) {
    try {
      return await db.$transaction(async (tx) => {
        const current = await tx.trainingJob.findUniqueOrThrow({
          where: { id: job.id },
          select: { status: true, cancelRequested: true },
        });
        // A search's best trial registers after its job succeeded (src/tuning/coordinator.ts).
        const expected = opts.tuning ? ['succeeded'] : ['running', 'queued'];
        if (!expected.includes(current.status)) return null;
        if (current.cancelRequested && !opts.tuning) {
          // Cancelled after the last batch: honour it, no version.
          await tx.trainingJob.update({ where: { id: job.id }, data: { status: 'cancelled', finishedAt: new Date() } });
          return null;
        }
        checkModelTask(
          await tx.model.findUnique({
            where: { projectId_name: { projectId: job.projectId, name: job.modelName } },
            select: { task: true },
          }),
          job.modelName,
          result.task,
        );
        const model = await tx.model.upsert({
          where: { projectId_name: { projectId: job.projectId, name: job.modelName } },
          create: { projectId: job.projectId, name: job.modelName, task: result.task, latestVersion: 1 },
          update: { latestVersion: { increment: 1 } },
        });
        const version = await tx.modelVersion.create({
          data: {
            modelId: model.id,
            version: model.latestVersion,
            trainingJobId: job.id,
            datasetId: job.datasetId!,
            modelType: result.modelType,
            task: result.task,
            artifactKey: artifact.artifactKey,
            artifactSha256: artifact.sha256,
            artifactBytes: BigInt(artifact.bytes),
            hyperparameters: result.hyperparameters as unknown as Prisma.InputJsonValue,
            preprocessing: result.preprocessing as unknown as Prisma.InputJsonValue,
            inputSchema: result.inputSchema as unknown as Prisma.InputJsonValue,
            outputSchema: result.outputSchema as unknown as Prisma.InputJsonValue,
            metrics: {
              ...result.metrics,
              excludedColumns: result.excludedColumns,
              rowCounts: result.rowCounts,
              bestEpoch: result.bestEpoch,
              stoppedEarly: result.stoppedEarly,
            } as unknown as Prisma.InputJsonValue,
            ...(result.evaluation ? { evaluation: result.evaluation as unknown as Prisma.InputJsonValue } : {}),
            backend: result.backend,
            trainingDurationMs: Math.round(result.durationMs),
            ...(opts.tuning ? { tuningJobId: opts.tuning.jobId, tuningTrial: opts.tuning.trial } : {}),
          },
        });
        if (!opts.tuning)
          await tx.trainingJob.update({
            where: { id: job.id },
            data: {
              status: 'succeeded',
              finishedAt: new Date(),
              backend: result.backend,
              metrics: result.metrics as unknown as Prisma.InputJsonValue,
              error: Prisma.DbNull,
              checkpoint: Prisma.DbNull,
            },
          });
        // A worker's state change has no request to be audited by: it records itself.
        await recordAuditEvent(tx, {
          projectId: job.projectId,
          actor: { type: 'system' },
          action: 'models.versions.register',
          resourceId: `${job.modelName}/${version.version}`,
          outcome: 'success',
        });
        return version.version;
      }, serialisedTransaction);
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
