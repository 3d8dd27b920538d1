import { ValidationError } from '../errors.ts';
import type { FieldIssue } from '../errors.ts';
import { writeEncoded } from './feature-encoding.ts';
import type { EncodableValue } from './feature-encoding.ts';
import type { FeatureEncoder, PreprocessingState } from './preprocessing-state.ts';

// Enough to show a client every kind of mistake without building a huge error body.
const MAX_ISSUES = 50;

/** What a caller may add to {@link encodeInstances}. */
export interface EncodeOptions {
  /**
   * Keys accepted in an instance and left out of the model's input: the training dataset's
   * columns the model did not use (an id, a constant, the target) and a request's passthrough
   * keys. Any other key that is no feature is still refused.
   */
  ignore?: ReadonlySet<string>;
  /**
   * Filled with the features each instance left out (or gave as null), which were imputed:
   * `imputed[i]` is undefined for an instance that gave every feature.
   */
  imputed?: (string[] | undefined)[];
}

/**
 * Validates prediction instances and encodes them with the fitted preprocessing into one
 * row-major Float32 matrix. An instance is an object keyed by feature name or an array in
 * input-schema order; `null` and absent features are imputed as in training (and listed in
 * `options.imputed`). Unknown features (keys neither a feature nor in `options.ignore`),
 * wrong types, non-finite numbers and numbers that overflow float32 once scaled raise one
 * ValidationError whose issues name `instances.<index>.<feature>`.
 */
export function encodeInstances(
  state: PreprocessingState,
  instances: unknown[],
  options: EncodeOptions = {},
): Float32Array {
  const { ignore, imputed } = options;
  const matrix = new Float32Array(instances.length * state.width);
  const issues: FieldIssue[] = [];
  const features = state.features;
  const count = features.length;
  let names: Set<string> | undefined;
  // Plain loops and no array per instance: this runs for every row of every prediction.
  for (let index = 0; index < instances.length && issues.length < MAX_ISSUES; index++) {
    const instance = instances[index];
    let values: unknown[] | undefined;
    let record: Record<string, unknown> | undefined;
    if (Array.isArray(instance)) {
      if (instance.length !== count) {
        issues.push({
          path: `instances.${index}`,
          message:
            `Expected an array of ${count} values in input-schema order ` +
            `(${features.map((encoder) => encoder.name).join(', ')}), got ${instance.length}.`,
        });
        continue;
      }
      values = instance;
    } else if (instance !== null && typeof instance === 'object') {
      record = instance as Record<string, unknown>;
      let known = 0;
      for (const encoder of features) if (Object.hasOwn(record, encoder.name)) known += 1;
      // Every key is a feature unless there are more keys than features found: only then look for the strays.
      let keys = 0;
      for (const key in record) if (Object.hasOwn(record, key)) keys += 1;
      if (keys !== known) {
        names ??= new Set(features.map((encoder) => encoder.name));
        for (const key of Object.keys(record)) {
          if (!names.has(key) && !ignore?.has(key))
            issues.push({
              path: `instances.${index}.${key}`,
              message: `Unknown feature '${key}': not a column of the model's training data (name it in \`passthrough\` to have it echoed back).`,
            });
        }
      }
    } else {
      issues.push({
        path: `instances.${index}`,
        message: 'An instance must be an object keyed by feature name or an array in input-schema order.',
      });
      continue;
    }
    let offset = index * state.width;
    for (let position = 0; position < count; position++) {
      const encoder = features[position]!;
      const checked = checkValue(
        encoder,
        values !== undefined
          ? values[position]
          : Object.hasOwn(record!, encoder.name)
            ? record![encoder.name]
            : undefined,
      );
      if (typeof checked === 'object' && checked !== null) {
        issues.push({ path: `instances.${index}.${encoder.name}`, message: checked.error });
        continue;
      }
      if (checked === null && imputed !== undefined) (imputed[index] ??= []).push(encoder.name);
      offset = writeEncoded(encoder, checked, matrix, offset);
      // Finite in JavaScript's float64 is not enough: the model reads float32, where 1e39
      // (or a value far out once standardised) is Infinity and every output becomes NaN.
      if (encoder.kind === 'numeric' && !Number.isFinite(matrix[offset - 1]!))
        issues.push({
          path: `instances.${index}.${encoder.name}`,
          message: `The number ${String(checked)} is outside the range the model computes in (32-bit floats, about ±3.4e38 after scaling).`,
        });
    }
  }
  if (issues.length > 0) {
    throw new ValidationError(
      `${issues.length >= MAX_ISSUES ? 'At least ' : ''}${issues.length} invalid value(s) in the instances.`,
      issues.slice(0, MAX_ISSUES),
    );
  }
  return matrix;
}

/** The value typed for its encoder, or `{error}` describing why it does not fit. */
export function checkValue(encoder: FeatureEncoder, value: unknown): EncodableValue | { error: string } {
  if (value === null || value === undefined) return null;
  if (encoder.kind === 'numeric') {
    if (typeof value !== 'number') return { error: `Expected a number, got ${describe(value)}.` };
    if (!Number.isFinite(value)) return { error: 'Expected a finite number (NaN and Infinity are not accepted).' };
    return value;
  }
  if (encoder.kind === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    return { error: `Expected a boolean, got ${describe(value)}.` };
  }
  // Categories are stored as strings; a number (e.g. a code 3) names the category "3".
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return { error: `Expected a category (string), got ${describe(value)}.` };
}

function describe(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? `the number ${value}` : String(value);
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
