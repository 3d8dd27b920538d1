/**
 * Image prediction instances in every form clients send them, to one model-input batch.
 * TF Serving clients put the binary value `{"b64": "..."}` either as the instance itself or
 * under the input's name (`{"image": {"b64": "..."}}`); the serving formats decode such
 * nested values to bytes before the adapter sees them (src/serving/tf-serving-format.ts), so
 * bytes are accepted wherever a base64 string is.
 */
import { DomainError, ValidationError, type FieldIssue } from '../errors.ts';
import {
  base64Bytes,
  checkImageHeader,
  decodeImage,
  DEFAULT_MAX_PIXELS,
  ImageTooLargeError,
  rgbaToTensor,
  type ImageSpec,
  type RgbaImage,
} from './images.ts';
import { ownValue } from '../user-keys.ts';
import { tidyData } from '../ml/tensor-data.ts';

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

/** How many pixels prediction may decode: per image, and summed over a request's images. */
export interface ImageLimits {
  maxPixelsPerImage: number;
  maxPixelsPerRequest: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = {
  maxPixelsPerImage: DEFAULT_MAX_PIXELS,
  maxPixelsPerRequest: 8 * DEFAULT_MAX_PIXELS,
};

/** A request whose images declare more pixels together than one request may decode; none was decoded. */
export class RequestImagesTooLargeError extends DomainError {
  constructor(pixels: number, maxPixels: number, instance: number) {
    super(
      'request_images_too_large',
      `The request's images declare ${pixels} pixels together (past the cap from instance ${instance} on); ` +
        `at most ${maxPixels} pixels are decoded per request. Send fewer or smaller images per request.`,
      {
        issues: [{ path: `instances.${instance}`, message: `the images up to here exceed ${maxPixels} pixels` }],
        extra: { pixels, maxPixels, instance },
      },
    );
  }
}

// Decoding runs on the event loop, so it gives the loop back after about this many pixels:
// other requests (and /healthz) wait for at most one slice, whatever the request's size.
const PIXELS_PER_SLICE = 1 << 20;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Every instance decoded and prepared as one row-major `[n, height, width, channels]` matrix.
 * Every header is read first, so an image past `maxPixelsPerImage` (ImageTooLargeError, 413),
 * images past `maxPixelsPerRequest` together (RequestImagesTooLargeError, 413) and
 * undecodable instances (one ValidationError, 400) are refused before anything is inflated.
 * Images are then decoded one at a time, each brought to the spec's size at once, yielding to
 * the event loop between slices.
 */
export async function imageInstancesToBatch(
  instances: readonly unknown[],
  spec: ImageSpec,
  feature: string,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
): Promise<Float32Array> {
  const issues: FieldIssue[] = [];
  const oversized: { index: number; path: string; width: number; height: number }[] = [];
  const found: InstanceBytes[] = [];
  let pixels = 0;
  let pastRequestCap: number | undefined;
  instances.forEach((instance, index) => {
    if (issues.length >= MAX_ISSUES) return;
    let bytes: InstanceBytes | undefined;
    try {
      bytes = imageInstanceBytes(instance, index, feature);
      const { width, height } = checkImageHeader(bytes.bytes, limits.maxPixelsPerImage);
      found.push(bytes);
      pixels += width * height;
      if (pixels > limits.maxPixelsPerRequest) pastRequestCap ??= index;
    } catch (error) {
      if (error instanceof ImageTooLargeError && bytes !== undefined)
        oversized.push({ index, path: bytes.path, width: error.width, height: error.height });
      else issues.push(...pathedIssues(error, bytes?.path ?? `instances.${index}`));
    }
  });
  const first = oversized[0];
  if (first !== undefined)
    throw new ImageTooLargeError(first.width, first.height, limits.maxPixelsPerImage, {
      issues: oversized.slice(0, MAX_ISSUES).map(({ path, width, height }) => ({
        path,
        message: `the image is ${width}x${height}; at most ${limits.maxPixelsPerImage} pixels are accepted`,
      })),
      extra: { instance: first.index },
    });
  if (issues.length > 0)
    throw new ValidationError(`${issues.length} invalid image instance(s).`, issues.slice(0, MAX_ISSUES));
  if (pastRequestCap !== undefined)
    throw new RequestImagesTooLargeError(pixels, limits.maxPixelsPerRequest, pastRequestCap);

  const rowSize = spec.height * spec.width * spec.channels;
  const out = new Float32Array(found.length * rowSize);
  let slice = 0;
  for (let i = 0; i < found.length; i++) {
    const { bytes, path } = found[i]!;
    let image: RgbaImage;
    try {
      image = decodeImage(bytes, limits.maxPixelsPerImage);
    } catch (error) {
      issues.push(...pathedIssues(error, path));
      continue;
    }
    slice += image.width * image.height;
    out.set(
      tidyData(() => rgbaToTensor(image, spec)),
      i * rowSize,
    );
    if (slice >= PIXELS_PER_SLICE && i < found.length - 1) {
      slice = 0;
      await nextTurn();
    }
  }
  if (issues.length > 0)
    throw new ValidationError(`${issues.length} invalid image instance(s).`, issues.slice(0, MAX_ISSUES));
  return out;
}

/** A validation error's issues, or one at `path` when it names none (decoding errors carry no path). */
function pathedIssues(error: unknown, path: string): FieldIssue[] {
  if (!(error instanceof ValidationError)) throw error;
  return error.issues?.length ? error.issues : [{ path, message: error.message }];
}
