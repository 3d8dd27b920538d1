/**
 * A regression output back on the target's scale, in a module of its own (no schema, no encoder):
 * the batch output thread (src/batch/output-thread-worker.ts) loads it without the rest.
 */
import type { TargetEncoding } from './preprocessing-state.ts';

/** Maps a regression model output back to the target's original scale. */
export function decodeRegression(encoding: TargetEncoding, output: number): number {
  return encoding.task === 'regression' ? output * encoding.std + encoding.mean : output;
}
