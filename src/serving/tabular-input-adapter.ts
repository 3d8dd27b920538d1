/** Prediction inputs of tabular model versions: rows as objects keyed by feature, or arrays in input-schema order. */
import { encodeInstances, type EncodeOptions } from '../preprocessing/instance-encoding.ts';
import { inputSchemaOf, outputSchemaOf } from '../preprocessing/preprocessing-state.ts';
import type { PreprocessingState } from '../preprocessing/preprocessing-state.ts';
import { decodeOutputs, utf8, type InputAdapter } from './input-adapter.ts';
import { keyedEntries } from '../user-keys.ts';

/** Tabular rows: the fitted encoders of src/preprocessing, as training used them. */
export function tabularAdapter(
  state: PreprocessingState,
): InputAdapter & { encode(instances: unknown[], options?: EncodeOptions): Float32Array } {
  return {
    encode: (instances, options) =>
      encodeInstances(state, instances.some(holdsBytes) ? instances.map(bytesAsText) : instances, options),
    rowSize: state.width,
    inputShape: [state.width],
    decode: (outputs, rows) => decodeOutputs(state.target, outputs, rows),
    inputSchema: inputSchemaOf(state),
    outputSchema: outputSchemaOf(state),
  };
}

/** True when an instance holds a `{"b64": ...}` value, which the serving formats decode to bytes. */
export function holdsBytes(instance: unknown): boolean {
  if (instance === null || typeof instance !== 'object') return false;
  if (Array.isArray(instance)) return instance.some((value) => value instanceof Uint8Array);
  // for...in rather than Object.values: no array per instance on the bulk path.
  for (const key in instance) if ((instance as Record<string, unknown>)[key] instanceof Uint8Array) return true;
  return false;
}

/** Tabular features are categories, numbers and booleans: a binary value reads as its UTF-8 text. */
export function bytesAsText(instance: unknown): unknown {
  if (!holdsBytes(instance)) return instance;
  if (Array.isArray(instance)) return instance.map(utf8);
  return keyedEntries(Object.entries(instance as object).map(([key, value]) => [key, utf8(value)]));
}
