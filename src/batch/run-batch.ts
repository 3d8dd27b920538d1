/**
 * Runs one attempt of a batch prediction, from its PostgreSQL record to its output in the
 * store. The input is read as a stream and scored a part (BATCH_PART_ROWS rows) at a time;
 * each part's output and errors are written to the store (atomically, encrypted at rest like
 * every stored file) before the record says the part is done. A run that dies anywhere
 * therefore leaves at most one part written but unrecorded, which the next run writes again,
 * identically, from the same input rows: the output holds every input row exactly once.
 */
import { hostname } from 'node:os';
import { PassThrough, pipeline, type Readable } from 'node:stream';
import type { Database } from '../db/client.ts';
import { Prisma } from '../db/client.ts';
import { DomainError, InvalidDatasetError, type JobFailure, type JobFailureCode } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { WebhookQueue } from '../queue/background-queues.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { enqueueWebhookEvent } from '../webhooks/events.ts';
import { errorPartKey, outputPartKey, batchPrefix } from './batch-files.ts';
import type { InputFormat } from './batch-input.ts';
import { partWriter, type OutputFormat } from './batch-output.ts';
import { BATCH_KINDS, batchKindOf, loadBatchScorer } from './batch-scorer.ts';
import { OutputThread } from './output-thread.ts';
import { scoredParts, takesTablePath, type ScoredPart } from './scored-parts.ts';
import { BufferPool } from './table-output.ts';

export interface BatchContext {
  db: Database;
  store: ArtifactStore;
  logger: Logger;
  /** Where batch.finished events go at once; without it, the webhook sweep picks them up. */
  webhookQueue?: WebhookQueue;
  imageLimits: { maxPixelsPerImage: number; maxPixelsPerRequest: number };
  /**
   * The output thread's script (output-thread.ts), or false to format the output on this thread
   * (BATCH_OUTPUT_THREAD=false). Default: the build's script, or the source's under tsx.
   */
  outputThread?: string | false;
}

export interface BatchRunOptions {
  maxAttempts: number;
  queueAttempt?: number;
  /** True once this run should stop after its current part and hand the job back. */
  shouldPreempt?: () => boolean;
}

/** A failure that retrying cannot fix (the input is unreadable, the version is gone). */
export class PermanentBatchError extends Error {
  constructor(
    readonly code: JobFailureCode,
    message: string,
  ) {
    super(message);
  }
}

export type BatchOutcome = 'succeeded' | 'cancelled' | 'skipped' | 'missing' | 'preempted';

/** What a run does once a part is recorded: go on (undefined), or stop. */
type PartVerdict = 'skipped' | 'cancelled' | 'preempted' | undefined;

export async function runBatchPrediction(ctx: BatchContext, id: string, opts: BatchRunOptions): Promise<BatchOutcome> {
  const { db, store, logger } = ctx;
  const job = await db.batchPrediction.findUnique({ where: { id } });
  if (!job) return 'missing';
  if (job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled') return 'skipped';
  if (job.cancelRequested) {
    await finishBatch(ctx, job, 'cancelled');
    return 'cancelled';
  }
  const { attempts: attempt } = await db.batchPrediction.update({
    where: { id },
    data: {
      status: 'running',
      attempts: { increment: 1 },
      startedAt: job.startedAt ?? new Date(),
      error: Prisma.DbNull,
    },
  });
  const isFinalAttempt = Math.max(attempt, opts.queueAttempt ?? 0) >= opts.maxAttempts;
  let partsDone = job.partsDone;
  let scorer: Awaited<ReturnType<typeof loadBatchScorer>> | undefined;
  /** Parts being stored and recorded, in order: each waits for the one before it. */
  const inFlight: Promise<PartVerdict>[] = [];
  let outputThread: OutputThread | undefined;
  try {
    const version = await db.modelVersion.findUnique({ where: { id: job.modelVersionId } });
    if (!version)
      throw new PermanentBatchError('batch_failed', `Version ${job.version} of model '${job.modelName}' was deleted.`);
    if (!BATCH_KINDS.has(batchKindOf(version.preprocessing)))
      throw new PermanentBatchError('batch_unsupported_model', 'Batch predictions score tabular and text models only.');
    scorer = await loadBatchScorer(store, version, ctx.imageLimits);
    const writer = await partWriter(job.outputFormat as OutputFormat, job.passthrough, scorer.outputSchema);
    logger.info(
      { batchPredictionId: id, attempt, resumeAtPart: partsDone, host: hostname(), pid: process.pid },
      partsDone > 0 ? 'resuming batch prediction' : 'starting batch prediction',
    );
    let source;
    try {
      source = readAhead(store.createReadStream(job.inputKey));
    } catch (error) {
      throw new PermanentBatchError('input_unreadable', `The input cannot be read: ${(error as Error).message}`);
    }
    const inputFormat = job.inputFormat as InputFormat;
    const outputFormat = job.outputFormat as OutputFormat;
    // A CSV or NDJSON output of a tabular model's CSV input is formatted on a thread of its own,
    // in the order the parts are scored; everything else stays on this thread.
    if (
      ctx.outputThread !== false &&
      outputFormat !== 'parquet' &&
      scorer.tabular !== undefined &&
      takesTablePath({ inputFormat, outputFormat }, scorer)
    )
      outputThread = new OutputThread(
        {
          format: outputFormat,
          passthrough: job.passthrough,
          schema: scorer.outputSchema,
          target: scorer.tabular.target,
        },
        ctx.outputThread,
      );
    let clock = performance.now();
    const outputBuffers = new BufferPool();
    const parts = scoredParts(source, scorer, writer, {
      outputBuffers,
      outputThread,
      inputFormat,
      outputFormat,
      passthrough: job.passthrough,
      skipParts: partsDone,
      partRows: job.partRows,
      onHeader: (columns) => {
        const missing = job.passthrough.filter((column) => !columns.includes(column));
        if (missing.length)
          throw new PermanentBatchError(
            'unknown_passthrough_columns',
            `The input has no column ${missing.map((c) => `'${c}'`).join(', ')} to pass through.`,
          );
      },
    });
    /** Writes and records a part; what the run does next once it is recorded. */
    const storePart = async (index: number, part: ScoredPart): Promise<PartVerdict> => {
      const content = await part.content;
      const output = typeof content.output === 'string' ? Buffer.from(content.output) : content.output;
      let bytes = (await store.write(outputPartKey(job, index), output)).sizeBytes;
      if (content.errors) bytes += (await store.write(errorPartKey(job, index), Buffer.from(content.errors))).sizeBytes;
      // Stored: the part's output buffer serves a later part.
      if (outputThread) outputThread.give(output);
      else outputBuffers.give(output);
      const now = performance.now();
      // Conditional on the part count: of two runs of the same job, only one records a part. One
      // round trip records the part and reads whether the job was cancelled meanwhile.
      let state: { cancelRequested: boolean };
      try {
        state = await db.batchPrediction.update({
          where: { id, partsDone: index, status: 'running' },
          data: {
            partsDone: index + 1,
            rowsDone: { increment: part.rows },
            errorCount: { increment: content.errorCount },
            outputBytes: { increment: bytes },
            runMs: { increment: Math.round(now - clock) },
          },
          select: { cancelRequested: true },
        });
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025') return 'skipped';
        throw error;
      } finally {
        clock = now;
      }
      partsDone = index + 1;
      if (state.cancelRequested) return 'cancelled';
      return opts.shouldPreempt?.() ? 'preempted' : undefined;
    };
    /** Ends the run as a stored part says, or undefined to go on. */
    const settle = async (stored: Promise<PartVerdict>): Promise<BatchOutcome | undefined> => {
      const next = await stored;
      if (next === undefined) return undefined;
      await parts.return(undefined);
      if (next === 'cancelled') await finishBatch(ctx, job, 'cancelled');
      if (next === 'preempted') {
        await db.batchPrediction.update({ where: { id }, data: { status: 'queued', attempts: { decrement: 1 } } });
        logger.info({ batchPredictionId: id, partsDone }, 'batch prediction handed back');
      }
      return next;
    };
    // One part is written and recorded while the next is read and scored (with the output
    // thread, two parts: one being formatted there, one being stored, while a third is scored).
    // A part is written only once the one before it is recorded, so a crash leaves at most one
    // part written but unrecorded; a part after one that stopped the run is never written.
    const depth = outputThread ? 2 : 1;
    let index = partsDone;
    for await (const part of parts) {
      while (inFlight.length >= depth) {
        const outcome = await settle(inFlight.shift()!);
        if (outcome !== undefined) return outcome;
      }
      const at = index++;
      const before = inFlight.at(-1);
      const stored = before
        ? before.then((verdict) => (verdict === undefined ? storePart(at, part) : verdict))
        : storePart(at, part);
      stored.catch(() => undefined); // awaited by settle or the error path
      inFlight.push(stored);
    }
    while (inFlight.length > 0) {
      const outcome = await settle(inFlight.shift()!);
      if (outcome !== undefined) return outcome;
    }
    if (partsDone === 0) {
      // No input rows: the output is the header alone.
      const written = await store.write(outputPartKey(job, 0), Buffer.from(writer.output([], true)));
      await db.batchPrediction.update({
        where: { id },
        data: { partsDone: 1, outputBytes: { increment: written.sizeBytes } },
      });
    }
    await finishBatch(ctx, job, 'succeeded');
    return 'succeeded';
  } catch (error) {
    // A part still being written must land (or fail) before the job's files are judged.
    await Promise.all(inFlight.map((stored) => stored.catch(() => undefined)));
    const readFailure = error instanceof InvalidDatasetError || (error as NodeJS.ErrnoException).code === 'ENOENT';
    const permanent = error instanceof PermanentBatchError || error instanceof DomainError || readFailure;
    const message = (error as Error).message;
    if (permanent || isFinalAttempt) {
      const code: JobFailureCode =
        error instanceof PermanentBatchError
          ? error.code
          : readFailure
            ? 'input_unreadable'
            : error instanceof DomainError
              ? error.code
              : 'batch_failed';
      await finishBatch(ctx, job, 'failed', { code, message, attempts: attempt });
      throw new PermanentBatchError(code, message);
    }
    await db.batchPrediction.update({
      where: { id },
      data: { status: 'queued', error: { code: 'attempt_failed', message, attempt } satisfies JobFailure },
    });
    throw error;
  } finally {
    await outputThread?.close();
    scorer?.dispose();
  }
}

/** How much of the input is read (and decrypted) ahead of the part being parsed. */
const READ_AHEAD_BYTES = 1 << 20;

/**
 * The input with up to READ_AHEAD_BYTES read ahead of its reader. A store's stream stops reading
 * once one decrypted 64 KiB record waits, so each record's read from disk or the bucket began only
 * when parsing had taken the one before, and parsing waited for it (about 6% of a 1,000,000-row
 * job's time, idle). A failure of the store's stream reaches the reader; a reader that stops
 * early (cancellation) stops the store's stream.
 */
function readAhead(source: Readable): Readable {
  const ahead = new PassThrough({ highWaterMark: READ_AHEAD_BYTES });
  pipeline(source, ahead, () => undefined);
  return ahead;
}

/**
 * Ends a job and announces it (batch.finished). A job that produced no complete output
 * (failed, cancelled) keeps no files; an uploaded input is deleted whatever the outcome, as it
 * served this job only.
 */
export async function finishBatch(
  ctx: Pick<BatchContext, 'db' | 'store' | 'logger' | 'webhookQueue'>,
  job: { id: string; projectId: string; inputUploaded: boolean; inputKey: string },
  status: 'succeeded' | 'failed' | 'cancelled',
  error?: JobFailure,
): Promise<void> {
  const ended = await ctx.db.batchPrediction.updateMany({
    where: { id: job.id, status: { in: ['queued', 'running'] } },
    data: {
      status,
      finishedAt: new Date(),
      ...(error ? { error } : {}),
      ...(status === 'succeeded' ? {} : { outputBytes: 0 }),
      ...(job.inputUploaded ? { inputBytes: 0 } : {}),
    },
  });
  if (status === 'succeeded') {
    if (job.inputUploaded) await ctx.store.delete(job.inputKey);
  } else {
    await ctx.store.deletePrefix(batchPrefix(job));
  }
  if (ended.count === 0) return;
  const row = await ctx.db.batchPrediction.findUnique({ where: { id: job.id } });
  if (row)
    await enqueueWebhookEvent(ctx, job.projectId, 'batch.finished', {
      batchPrediction: {
        id: row.id,
        status: row.status,
        model: { name: row.modelName, version: row.version },
        rowsDone: row.rowsDone,
        errorCount: row.errorCount,
        error: row.error,
        finishedAt: row.finishedAt?.toISOString() ?? null,
      },
    });
  ctx.logger.info({ batchPredictionId: job.id, status }, 'batch prediction ended');
}
