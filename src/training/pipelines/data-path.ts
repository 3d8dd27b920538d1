/**
 * Whether a table is trained on in memory (every row parsed and held, then encoded whole) or
 * streamed from the store a batch at a time (tabular-stream.ts): by how much memory holding it
 * would take against the training process's budget. Small tables stay in memory, where the
 * split is exact and stratified and an epoch costs no parsing.
 */
import { getHeapStatistics } from 'node:v8';

export type DataPath = 'in-memory' | 'streamed';

export interface DataPathSettings {
  /** The training process's memory budget in MB (WORKER_MEMORY_MB); unset: V8's heap limit. */
  memoryBudgetMb?: number;
  /** `auto` decides by size; `always` and `never` force the choice (TRAINING_STREAMING). */
  streaming: 'auto' | 'always' | 'never';
}

/** Share of the budget a table held in memory may take: the rest is the process, the model, the encoding's copies. */
const COMFORTABLE_SHARE = 0.5;

/**
 * Bytes the in-memory path would hold for a table: the parsed rows (an object per row, a
 * slot and often a string per cell, at least the file's own bytes again) and the encoded
 * matrix with the tensors made from it. Deliberately generous: streaming a table that would
 * have fit costs time, holding one that does not costs the process.
 */
export function inMemoryBytes(table: { rowCount?: number; sizeBytes?: bigint | number }, columns: number): number {
  const rows = table.rowCount ?? 0;
  const fileBytes = Number(table.sizeBytes ?? 0);
  return 2 * fileBytes + rows * (96 + 24 * columns) + rows * columns * 4 * 3;
}

/** The path for a table of `columns` columns under `settings`. */
export function chooseDataPath(
  table: { rowCount?: number; sizeBytes?: bigint | number },
  columns: number,
  settings: Partial<DataPathSettings>,
): DataPath {
  if (settings.streaming === 'always') return 'streamed';
  if (settings.streaming === 'never') return 'in-memory';
  const budget =
    settings.memoryBudgetMb !== undefined ? settings.memoryBudgetMb * 1024 ** 2 : getHeapStatistics().heap_size_limit;
  return inMemoryBytes(table, columns) > COMFORTABLE_SHARE * budget ? 'streamed' : 'in-memory';
}
