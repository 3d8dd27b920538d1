import { createHash, randomUUID } from 'node:crypto';
import type { Database } from '../../db/client.ts';
import type { Prisma } from '../../db/client.ts';
import type { Logger } from '../../logger.ts';
import type { ArtifactStore } from '../../storage/artifact-store.ts';
import { checkpointPrefix } from './artifacts.ts';
import { decodeLoopState, encodeLoopState } from '../loop/checkpoint.ts';
import type { LoopState } from '../loop/tabular-loop.ts';

/** What `TrainingJob.checkpoint` holds: a pointer to the newest checkpoint object and its digest. */
export interface CheckpointPointer {
  key: string;
  sha256: string;
  /** The epoch in progress and the next batch offset within it (0: at its start). */
  epoch: number;
  batchStart: number;
  /** Epochs finished when it was taken. */
  completedEpochs: number;
  /** The seed that fixed the split and the initial weights: a resumed run must reuse it. */
  seed: number;
  attempt: number;
  savedAt: string;
}

type JobRef = { id: string; projectId: string };

/**
 * Writes a checkpoint object, then points the job row at it, then deletes the previous
 * object. The row is the record: a crash between the steps leaves either the old pointer
 * with its object intact, or the new one (the stray object is swept with the job).
 */
export async function saveJobCheckpoint(
  db: Database,
  store: ArtifactStore,
  job: JobRef,
  state: LoopState,
  info: { seed: number; attempt: number; previous?: CheckpointPointer },
): Promise<CheckpointPointer | undefined> {
  const bytes = await encodeLoopState(state, { seed: info.seed });
  const suffix = randomUUID().slice(0, 8);
  const key = `${checkpointPrefix(job)}/epoch-${state.epoch}-batch-${state.batchStart}-${suffix}.ckpt`;
  const written = await store.write(key, bytes);
  const pointer: CheckpointPointer = {
    key,
    sha256: written.sha256,
    epoch: state.epoch,
    batchStart: state.batchStart,
    completedEpochs: state.history.length,
    seed: info.seed,
    attempt: info.attempt,
    savedAt: new Date().toISOString(),
  };
  const updated = await db.trainingJob.updateMany({
    where: { id: job.id, status: 'running' },
    data: { checkpoint: pointer as unknown as Prisma.InputJsonValue },
  });
  if (updated.count === 0) {
    // Cancelled or finished meanwhile: nobody will resume from it.
    await store.delete(key);
    return undefined;
  }
  if (info.previous && info.previous.key !== key) await store.delete(info.previous.key);
  return pointer;
}

/**
 * Loads the checkpoint a job row points at; undefined (train from the start) when it is
 * missing or its bytes do not match the recorded digest, which is logged.
 */
export async function loadJobCheckpoint(
  store: ArtifactStore,
  pointer: CheckpointPointer,
  logger: Logger,
): Promise<LoopState | undefined> {
  try {
    const bytes = await store.read(pointer.key);
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (digest !== pointer.sha256) throw new Error(`sha256 ${digest} does not match the recorded ${pointer.sha256}`);
    return decodeLoopState(bytes).state;
  } catch (error) {
    logger.warn({ key: pointer.key, err: (error as Error).message }, 'checkpoint unusable; training from the start');
    return undefined;
  }
}
