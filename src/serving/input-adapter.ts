/**
 * The contract between a served model version and the prediction service: how instances
 * become model input and model output becomes predictions. Every adapter (tabular-input-
 * adapter.ts, deep-input-adapters.ts) and every caller (prediction-service.ts, the serving
 * formats) imports it from here, so none of them imports another to reach it.
 */
import { argmax } from '../evaluation/classification-metrics.ts';
import type { EncodeOptions } from '../preprocessing/instance-encoding.ts';
import type { InputSchema, Label, OutputSchema, TargetEncoding } from '../preprocessing/preprocessing-state.ts';
import { decodeRegression } from '../preprocessing/target-encoding.ts';
import { keyedByUser } from '../user-keys.ts';

/**
 * One prediction: the most probable label with every class's probability (keyed by label, and
 * as `scores`, a list in the label order of the output schema: TF Serving's `[-1, K]` tensor),
 * or a value. `imputed` lists the features the instance did not give (present only then);
 * `passthrough` echoes the request's passthrough keys.
 */
export type Prediction = (
  { label: Label; probabilities: Record<string, number>; scores?: number[] } | { value: number }
) & { imputed?: string[]; passthrough?: Record<string, unknown> };

/**
 * Encoding and decoding for one model version. The prediction service batches encoded rows of
 * `rowSize` floats and runs them as one `[rows, ...inputShape]` tensor.
 */
export interface InputAdapter {
  /**
   * Validates and encodes instances: `instances.length * rowSize` floats. Throws (or
   * rejects with) a DomainError naming `instances.<i>...`. Image adapters decode
   * asynchronously, a slice at a time, so one request cannot hold the event loop.
   */
  encode(instances: unknown[], options?: EncodeOptions): Float32Array | Promise<Float32Array>;
  /** Floats per encoded instance. */
  rowSize: number;
  /** Shape of one instance as the model reads it (e.g. `[width]`, `[h, w, c]`, `[maxLength]`). */
  inputShape: number[];
  /** Model outputs (`rows` rows, row-major) -> one prediction per row. */
  decode(outputs: Float32Array, rows: number): Prediction[];
  inputSchema: InputSchema;
  outputSchema: OutputSchema;
}

/**
 * A binary value as text. The serving formats decode `{"b64": ...}` values to bytes; adapters
 * whose features are text or categories read those bytes as UTF-8.
 */
export const utf8 = (value: unknown) =>
  value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8') : value;

/**
 * Classification: per-row class probabilities (one sigmoid unit means P(second label)) ->
 * the most probable label and every label's probability. Regression: the first output on
 * the target's scale.
 */
export function decodeOutputs(target: TargetEncoding, outputs: Float32Array, rows: number): Prediction[] {
  const units = rows === 0 ? 1 : outputs.length / rows;
  if (target.task === 'regression')
    return Array.from({ length: rows }, (_, row) => ({ value: decodeRegression(target, outputs[row * units] ?? NaN) }));
  const keys = target.labels.map(String);
  // Plain loops, no array per row: this runs for every row of every bulk request.
  const predictions: Prediction[] = new Array(rows);
  for (let row = 0; row < rows; row++) {
    const probabilities: number[] = new Array(units === 1 ? 2 : units);
    if (units === 1) {
      probabilities[0] = 1 - (outputs[row] ?? 0);
      probabilities[1] = outputs[row] ?? 0;
    } else {
      for (let k = 0; k < units; k++) probabilities[k] = outputs[row * units + k]!;
    }
    const byLabel = keyedByUser<number>();
    for (let k = 0; k < keys.length; k++) byLabel[keys[k]!] = probabilities[k] ?? 0;
    predictions[row] = {
      label: target.labels[argmax(probabilities)] as Label,
      probabilities: byLabel,
      scores: probabilities,
    };
  }
  return predictions;
}
