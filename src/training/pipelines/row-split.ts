/**
 * The split of a streamed table: each row goes to train, validation or test by a hash of its
 * own values and the split's seed, so it lands in the same part on every pass over the file,
 * on every worker, whatever order the rows come in, and without any per-row state. Identical
 * rows share a part, so a duplicated row never leaks from training into the test. The parts
 * match the requested fractions in expectation, not exactly, and are not stratified: the
 * in-memory split (split.ts) stays for tables small enough to hold.
 */
import type { CellValue, DatasetRow } from '../../datasets/column-profile.ts';
import { fmix32 } from '../../datasets/distinct-sketch.ts';
import type { SplitSpec } from './split.ts';

export type RowPart = 'train' | 'validation' | 'test';

/**
 * The part of `row` (its cells read in `columns` order) under `split`'s fractions and `seed`.
 */
export function rowPart(
  row: DatasetRow,
  columns: readonly string[],
  split: Pick<SplitSpec, 'test' | 'validation'>,
  seed: number,
): RowPart {
  const u = rowHash(row, columns, seed) / 4294967296;
  if (u < split.test) return 'test';
  if (u < split.test + split.validation) return 'validation';
  return 'train';
}

/** A 32-bit hash of the row's typed cells (a number and its text hash apart), seeded. */
export function rowHash(row: DatasetRow, columns: readonly string[], seed: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const column of columns) {
    const text = cellText(row[column] ?? null);
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    // A separator, so ("ab", "c") and ("a", "bc") differ.
    h = Math.imul(h ^ 0x1f, 0x01000193);
  }
  return fmix32(h);
}

function cellText(cell: CellValue): string {
  if (cell === null) return '\u0000';
  if (typeof cell === 'number') return `n${cell}`;
  if (typeof cell === 'boolean') return cell ? 'T' : 'F';
  return `s${cell}`;
}
