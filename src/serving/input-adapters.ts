/**
 * How a served model version turns prediction instances into model input and model output
 * into predictions, chosen by the `kind` of its stored preprocessing: tabular (no kind),
 * image, text or sequence. The prediction service batches encoded rows of `rowSize` floats
 * and runs them as one `[rows, ...inputShape]` tensor.
 */
import { argmax } from '../evaluation/classification-metrics.ts';
import { preprocessingKind } from '../preprocessing/deep-state.ts';
import type { DeepPreprocessing } from '../preprocessing/deep-state.ts';
import { tf } from '../ml/backend.ts';
import { encodeInstances } from '../preprocessing/instance-encoding.ts';
import { inputSchemaOf, outputSchemaOf } from '../preprocessing/preprocessing-state.ts';
import type { InputSchema, Label, OutputSchema, PreprocessingState, TargetEncoding } from '../preprocessing/preprocessing-state.ts';
import { decodeRegression } from '../preprocessing/target-encoding.ts';
import { imageAdapter, sequenceAdapter, textAdapter } from './deep-input-adapters.ts';
import type { ForwardPass } from './forward-choice.ts';
import type { Prediction } from './predictor.ts';

/** Encoding and decoding for one model version. */
export interface InputAdapter {
  /** Validates and encodes instances: `instances.length * rowSize` floats. Throws ValidationError naming `instances.<i>...`. */
  encode(instances: unknown[]): Float32Array;
  /** Floats per encoded instance. */
  rowSize: number;
  /** Shape of one instance as the model reads it (e.g. `[width]`, `[h, w, c]`, `[maxLength]`). */
  inputShape: number[];
  /** Model outputs (`rows` rows, row-major) -> one prediction per row. */
  decode(outputs: Float32Array, rows: number): Prediction[];
  inputSchema: InputSchema;
  outputSchema: OutputSchema;
}

/** The adapter for a version's stored preprocessing JSON. */
export function adapterFor(preprocessing: unknown): InputAdapter {
  switch (preprocessingKind(preprocessing)) {
    case 'image':
      return imageAdapter(preprocessing as Extract<DeepPreprocessing, { kind: 'image' }>);
    case 'text':
      return textAdapter(preprocessing as Extract<DeepPreprocessing, { kind: 'text' }>);
    case 'sequence':
      return sequenceAdapter(preprocessing as Extract<DeepPreprocessing, { kind: 'sequence' }>);
    case 'tabular':
      return tabularAdapter(preprocessing as PreprocessingState);
  }
}

/** Tabular rows: the fitted encoders of src/preprocessing, as training used them. */
function tabularAdapter(state: PreprocessingState): InputAdapter {
  return {
    encode: (instances) => encodeInstances(state, instances.some(holdsBytes) ? instances.map(bytesAsText) : instances),
    rowSize: state.width,
    inputShape: [state.width],
    decode: (outputs, rows) => decodeOutputs(state.target, outputs, rows),
    inputSchema: inputSchemaOf(state),
    outputSchema: outputSchemaOf(state),
  };
}

/** True when an instance holds a `{"b64": ...}` value, which the serving formats decode to bytes. */
function holdsBytes(instance: unknown): boolean {
  if (instance === null || typeof instance !== 'object') return false;
  if (Array.isArray(instance)) return instance.some((value) => value instanceof Uint8Array);
  // for...in rather than Object.values: no array per instance on the bulk path.
  for (const key in instance) if ((instance as Record<string, unknown>)[key] instanceof Uint8Array) return true;
  return false;
}

const utf8 = (value: unknown) => (value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8') : value);

/** Tabular features are categories, numbers and booleans: a binary value reads as its UTF-8 text. */
function bytesAsText(instance: unknown): unknown {
  if (!holdsBytes(instance)) return instance;
  if (Array.isArray(instance)) return instance.map(utf8);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(instance as object)) out[key] = utf8(value);
  return out;
}

/**
 * Classification: per-row class probabilities (one sigmoid unit means P(second label)) ->
 * the most probable label and every label's probability. Regression: the first output on
 * the target's scale.
 */
export function decodeOutputs(target: TargetEncoding, outputs: Float32Array, rows: number): Prediction[] {
  const units = rows === 0 ? 1 : outputs.length / rows;
  if (target.task === 'regression') return Array.from({ length: rows }, (_, row) => ({ value: decodeRegression(target, outputs[row * units] ?? NaN) }));
  const keys = target.labels.map(String);
  // Plain loops, no array per row: this runs for every row of every bulk request.
  const predictions: Prediction[] = new Array(rows);
  const probabilities: number[] = new Array(units === 1 ? 2 : units);
  for (let row = 0; row < rows; row++) {
    if (units === 1) {
      probabilities[0] = 1 - (outputs[row] ?? 0);
      probabilities[1] = outputs[row] ?? 0;
    } else {
      for (let k = 0; k < units; k++) probabilities[k] = outputs[row * units + k]!;
    }
    const byLabel: Record<string, number> = {};
    for (let k = 0; k < keys.length; k++) byLabel[keys[k]!] = probabilities[k] ?? 0;
    predictions[row] = { label: target.labels[argmax(probabilities)] as Label, probabilities: byLabel };
  }
  return predictions;
}

/**
 * TensorFlow.js as a forward pass: one `predictOnBatch` on a `[rows, ...inputShape]` tensor
 * (predict() would split the batch into slices of 32 rows), every tensor freed.
 */
export function tensorflowPass(model: tf.LayersModel, inputShape: readonly number[]): ForwardPass {
  return (x, rows) => {
    // Backends differ in how they read a view into a larger buffer (a request's rows often
    // are one); a copy costs little next to a model call.
    const whole = x.byteOffset === 0 && x.byteLength === x.buffer.byteLength ? x : x.slice();
    // The output tensor leaves tf.tidy and is read outside it: tidy walks whatever its function
    // returns looking for tensors, element by element for a typed array (a seventh of a
    // 1000-row request's time when the outputs were read inside).
    const output = tf.tidy(() => model.predictOnBatch(tf.tensor(whole, [rows, ...inputShape])) as tf.Tensor);
    try {
      return output.dataSync() as Float32Array;
    } finally {
      output.dispose();
    }
  };
}
