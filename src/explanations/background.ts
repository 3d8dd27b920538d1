/**
 * The background sample tabular explanations are measured against: encoded rows of the
 * training split, drawn with the job's seed at training time and stored in the version's
 * artifact manifest (its user-defined metadata, covered by the artifact's sha256), so the
 * explanation of a version never depends on data that may since have been deleted.
 */
import type { tf } from '../ml/backend.ts';
import { SeededRandom } from '../ml/seeded-random.ts';

/** Rows kept at training time; serving may use fewer (EXPLAIN_MAX_BACKGROUND). */
export const BACKGROUND_ROWS = 100;

/** Encoded background rows, row-major, as stored in the manifest. */
export interface ExplanationBackground {
  rows: number;
  width: number;
  values: number[];
}

/** The manifest metadata key holding the background. */
const METADATA_KEY = 'explanationBackground';

/** Up to `size` distinct rows of an encoded split, in a seeded random order. */
export function sampleBackground(
  x: Float32Array,
  rows: number,
  width: number,
  seed: number,
  size = BACKGROUND_ROWS,
): ExplanationBackground {
  const picked = new SeededRandom(seed).shuffle(Array.from({ length: rows }, (_, i) => i)).slice(0, size);
  const values: number[] = [];
  for (const row of picked) for (let k = 0; k < width; k++) values.push(Number(x[row * width + k]!.toPrecision(7)));
  return { rows: picked.length, width, values };
}

/** The manifest metadata that stores a background. */
export function backgroundMetadata(background: ExplanationBackground): Record<string, unknown> {
  return { [METADATA_KEY]: background };
}

/** The background stored in a loaded model's manifest, at most `maxRows` of it; undefined when it has none. */
export function readBackground(model: tf.LayersModel, maxRows: number): ExplanationBackground | undefined {
  const stored = (model.getUserDefinedMetadata() as Record<string, unknown> | undefined)?.[METADATA_KEY] as
    ExplanationBackground | undefined;
  if (!stored || !(stored.rows > 0) || !Array.isArray(stored.values)) return undefined;
  const rows = Math.min(stored.rows, maxRows);
  return { rows, width: stored.width, values: stored.values.slice(0, rows * stored.width) };
}
