/**
 * Image bytes (PNG or JPEG) -> model input: decoded to RGBA, alpha composited, converted to
 * the configured channels, resized bilinearly and scaled to [0, 1]. Training and prediction
 * (`{"b64": "..."}` instances) use the same functions, so a model never sees pixels prepared
 * two different ways.
 */
import * as tf from '../ml/tfjs.ts';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DEFAULT_MAX_IMAGE_PIXELS, readImageHeader, type ImageFormat } from '../datasets/image-format.ts';
import { DomainError, ValidationError, type FieldIssue } from '../errors.ts';

/** The size and channels every image is brought to. */
export interface ImageSpec {
  height: number;
  width: number;
  /** 1 = grayscale (luma), 3 = RGB. */
  channels: 1 | 3;
}

/** Decoded pixels, 4 bytes per pixel. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Decoding refuses images above this many pixels unless told otherwise (see image-format.ts). */
export const DEFAULT_MAX_PIXELS = DEFAULT_MAX_IMAGE_PIXELS;

/** An image whose header declares more pixels than accepted; nothing of it was decoded. */
export class ImageTooLargeError extends DomainError {
  constructor(
    readonly width: number,
    readonly height: number,
    readonly maxPixels: number,
    opts: { issues?: FieldIssue[]; extra?: Record<string, unknown> } = {},
  ) {
    super('image_too_large', `The image is ${width}x${height}; at most ${maxPixels} pixels are accepted.`, {
      issues: opts.issues,
      extra: { width, height, maxPixels, ...opts.extra },
    });
  }
}

/**
 * The format and dimensions of PNG or JPEG bytes, from the header alone. Throws
 * `ValidationError` for anything else or a header cut short, `ImageTooLargeError` above
 * `maxPixels`.
 */
export function checkImageHeader(
  bytes: Uint8Array,
  maxPixels = DEFAULT_MAX_PIXELS,
): { format: ImageFormat; width: number; height: number } {
  const header = readImageHeader(bytes);
  if (header.kind === 'incomplete') throw new ValidationError('The image is truncated before its dimensions.');
  if (header.kind === 'invalid')
    throw new ValidationError(
      header.reason === 'content is not PNG or JPEG'
        ? 'The image is neither PNG nor JPEG.'
        : `Not a valid image: ${header.reason}.`,
    );
  if (header.width * header.height > maxPixels) throw new ImageTooLargeError(header.width, header.height, maxPixels);
  return header;
}

/**
 * Decodes PNG or JPEG bytes to RGBA. Throws `ValidationError` for other formats or corrupt
 * data, `ImageTooLargeError` for more than `maxPixels` pixels (checked from the header,
 * before inflating anything).
 */
export function decodeImage(bytes: Uint8Array, maxPixels = DEFAULT_MAX_PIXELS): RgbaImage {
  const { format, width, height } = checkImageHeader(bytes, maxPixels);
  try {
    if (format === 'png') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return {
        width: png.width,
        height: png.height,
        data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength),
      };
    }
    const decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      // The first frame header was checked; these stop a later, larger one.
      maxResolutionInMP: maxPixels / 1e6,
      maxMemoryUsageInMB: Math.ceil((maxPixels * 8) / 2 ** 20),
    });
    if (decoded.width !== width || decoded.height !== height)
      throw new Error(`decoded ${decoded.width}x${decoded.height}, the header said ${width}x${height}`);
    return { width: decoded.width, height: decoded.height, data: decoded.data };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ValidationError(`The ${format.toUpperCase()} image could not be decoded: ${reason}`);
  }
}

/**
 * RGBA -> `[height, width, channels]` floats in [0, 1] at the spec's size. Transparent pixels
 * are composited over black, so a transparent background reads the same whatever colour the
 * encoder stored under it.
 */
export function rgbaToTensor(image: RgbaImage, spec: ImageSpec): tf.Tensor3D {
  const { width, height, data } = image;
  const pixels = width * height;
  const out = new Float32Array(pixels * spec.channels);
  for (let p = 0; p < pixels; p++) {
    const alpha = (data[p * 4 + 3] ?? 255) / 255;
    const r = ((data[p * 4] ?? 0) * alpha) / 255;
    const g = ((data[p * 4 + 1] ?? 0) * alpha) / 255;
    const b = ((data[p * 4 + 2] ?? 0) * alpha) / 255;
    if (spec.channels === 1) out[p] = 0.299 * r + 0.587 * g + 0.114 * b;
    else out.set([r, g, b], p * 3);
  }
  return tf.tidy((): tf.Tensor3D => {
    const full = tf.tensor3d(out, [height, width, spec.channels]);
    if (height === spec.height && width === spec.width) return full;
    // halfPixelCenters matches how TensorFlow / PIL sample; values stay within [0, 1].
    return tf.image.resizeBilinear(full, [spec.height, spec.width], false, true).clipByValue(0, 1) as tf.Tensor3D;
  });
}

/** Decodes and prepares one image: bytes -> `[height, width, channels]` in [0, 1]. */
export function imageToTensor(bytes: Uint8Array, spec: ImageSpec, maxPixels = DEFAULT_MAX_PIXELS): tf.Tensor3D {
  return rgbaToTensor(decodeImage(bytes, maxPixels), spec);
}

/** Prepares many images as one `[n, height, width, channels]` batch. */
export function imagesToBatch(
  images: readonly Uint8Array[],
  spec: ImageSpec,
  maxPixels = DEFAULT_MAX_PIXELS,
): tf.Tensor4D {
  return tf.tidy(
    () =>
      (images.length === 0
        ? tf.zeros([0, spec.height, spec.width, spec.channels])
        : tf.stack(images.map((bytes) => imageToTensor(bytes, spec, maxPixels)))) as tf.Tensor4D,
  );
}

const BASE64 = /^[A-Za-z0-9+/\-_]*={0,2}$/;

/**
 * The bytes of a TensorFlow Serving style `{"b64": "..."}` prediction instance (standard or
 * URL-safe base64). `path` names the instance in the validation error, e.g. `instances.3`.
 */
export function bytesFromB64Instance(instance: unknown, path: string): Uint8Array {
  const value =
    typeof instance === 'object' && instance !== null && !Array.isArray(instance)
      ? (instance as Record<string, unknown>).b64
      : undefined;
  if (typeof value !== 'string' || Object.keys(instance as object).length !== 1) {
    throw new ValidationError('An image instance must be an object {"b64": "<base64 PNG or JPEG>"}.', [
      { path, message: 'expected {"b64": string}' },
    ]);
  }
  return base64Bytes(value, `${path}.b64`);
}

/** Standard or URL-safe base64 (whitespace ignored) -> bytes; a ValidationError at `path` otherwise. */
export function base64Bytes(value: string, path: string): Uint8Array {
  const compact = value.replace(/\s+/g, '');
  if (compact.length === 0 || !BASE64.test(compact)) {
    throw new ValidationError('The image is not valid base64.', [{ path, message: 'not base64' }]);
  }
  return new Uint8Array(Buffer.from(compact, compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64'));
}
