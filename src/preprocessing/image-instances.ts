/**
 * Image prediction instances in every form clients send them, to one model-input batch.
 * TF Serving clients put the binary value `{"b64": "..."}` either as the instance itself or
 * under the input's name (`{"image": {"b64": "..."}}`); the serving formats decode such
 * nested values to bytes before the adapter sees them (src/serving/tf-serving-format.ts), so
 * bytes are accepted wherever a base64 string is.
 */
import { ValidationError, type FieldIssue } from '../errors.ts';
import { tf } from '../ml/backend.ts';
import {
  base64Bytes,
  decodeImage,
  DEFAULT_MAX_PIXELS,
  rgbaToTensor,
  type ImageSpec,
  type RgbaImage,
} from './images.ts';
import { ownValue } from '../user-keys.ts';

const MAX_ISSUES = 50;

/** An instance's image bytes and the path they were read from (for error messages). */
export interface InstanceBytes {
  bytes: Uint8Array;
  path: string;
}

const isB64 = (value: unknown): value is { b64: string } =>
  value !== null &&
  typeof value === 'object' &&
  !Array.isArray(value) &&
  !(value instanceof Uint8Array) &&
  Object.keys(value).length === 1 &&
  typeof (value as { b64?: unknown }).b64 === 'string';

/** Bytes from a base64 string, already-decoded bytes, or a `{"b64": ...}` object; undefined for anything else. */
function valueBytes(value: unknown, path: string): InstanceBytes | undefined {
  if (typeof value === 'string') return { bytes: base64Bytes(value, path), path };
  if (value instanceof Uint8Array) return { bytes: value, path };
  if (isB64(value)) return { bytes: base64Bytes(value.b64, `${path}.b64`), path: `${path}.b64` };
  return undefined;
}

/**
 * The image bytes of instance `index`: `{"b64": "..."}`, a bare base64 string, or
 * `{"<feature>": <base64 string | {"b64": "..."} | bytes>}`. Throws a ValidationError naming
 * `instances.<index>[.<feature>][.b64]`.
 */
export function imageInstanceBytes(instance: unknown, index: number, feature: string): InstanceBytes {
  const path = `instances.${index}`;
  const direct = valueBytes(instance, path);
  if (direct) return direct;
  if (instance !== null && typeof instance === 'object' && !Array.isArray(instance)) {
    const keys = Object.keys(instance);
    const unknown = keys.filter((key) => key !== feature);
    if (unknown.length > 0)
      throw new ValidationError(
        `Unknown feature '${unknown[0]}'; this model reads '${feature}'.`,
        unknown.map((key) => ({
          path: `${path}.${key}`,
          message: `Unknown feature '${key}'; this model reads '${feature}'.`,
        })),
      );
    const nested = valueBytes(ownValue(instance as Record<string, unknown>, feature), `${path}.${feature}`);
    if (nested) return nested;
    throw new ValidationError(`Expected an image for '${feature}'.`, [
      { path: `${path}.${feature}`, message: 'expected a base64 string or {"b64": string}' },
    ]);
  }
  throw new ValidationError(
    'An image instance is {"b64": "<base64 PNG or JPEG>"}, a base64 string, or an object keyed by the image feature.',
    [{ path, message: 'expected {"b64": string}' }],
  );
}

/**
 * Every instance decoded and prepared as one `[n, height, width, channels]` batch; all bad
 * instances in one ValidationError.
 */
export function imageInstancesToBatch(
  instances: readonly unknown[],
  spec: ImageSpec,
  feature: string,
  maxPixels = DEFAULT_MAX_PIXELS,
): tf.Tensor4D {
  const issues: FieldIssue[] = [];
  const images: RgbaImage[] = [];
  instances.forEach((instance, index) => {
    if (issues.length >= MAX_ISSUES) return;
    let found: InstanceBytes | undefined;
    try {
      found = imageInstanceBytes(instance, index, feature);
      images.push(decodeImage(found.bytes, maxPixels));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      // decodeImage's errors carry no path: they belong where the bytes came from.
      issues.push(
        ...(error.issues?.length
          ? error.issues
          : [{ path: found?.path ?? `instances.${index}`, message: error.message }]),
      );
    }
  });
  if (issues.length > 0)
    throw new ValidationError(`${issues.length} invalid image instance(s).`, issues.slice(0, MAX_ISSUES));
  return tf.tidy(
    () =>
      (images.length === 0
        ? tf.zeros([0, spec.height, spec.width, spec.channels])
        : tf.stack(images.map((image) => rgbaToTensor(image, spec)))) as tf.Tensor4D,
  );
}
