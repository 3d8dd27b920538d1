/**
 * What a PNG or a JPEG looks like: the leading bytes of the file (PNG's 8-byte signature,
 * JPEG's SOI marker followed by a segment marker), and the same bytes as base64 text. ZIP
 * entries and base64 CSV/NDJSON cells are judged by these, never by a file name; decoding
 * (src/preprocessing/images.ts) starts from the same check.
 */

export type ImageFormat = 'png' | 'jpeg';

/**
 * Pixels an image may declare unless told otherwise (the service's own cap is
 * `MAX_IMAGE_PIXELS`, src/config/env.ts): a few-KB PNG can declare gigapixels, and decoding
 * costs about 40 bytes of memory per pixel before the image is brought to a model's size.
 */
export const DEFAULT_MAX_IMAGE_PIXELS = 2048 * 2048;

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The format named by the leading bytes, or undefined for anything else. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (PNG_MAGIC.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

// The base64 of the PNG signature and of JPEG's SOI marker have fixed leading characters,
// so a cell is judged by its prefix and alphabet without decoding.
const PNG_PREFIX = 'iVBORw0KGgo';
const JPEG_PREFIX = '/9j/';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** A real PNG or JPEG is never shorter than this many base64 characters. */
const MIN_BASE64_LENGTH = 64;

/**
 * True when `value` is standard base64 whose bytes start like a PNG or a JPEG, so such a
 * CSV/NDJSON column profiles as `image` rather than `text`.
 */
export function isBase64ImageCell(value: string): boolean {
  return (
    value.length >= MIN_BASE64_LENGTH &&
    (value.startsWith(PNG_PREFIX) || value.startsWith(JPEG_PREFIX)) &&
    BASE64.test(value)
  );
}

/** What an image's header says, read without inflating or decoding anything. */
export type ImageHeader =
  | { kind: 'image'; format: ImageFormat; width: number; height: number }
  /** The bytes end before the dimensions: more are needed (or, at the end of the data, it is truncated). */
  | { kind: 'incomplete' }
  | { kind: 'invalid'; reason: string };

const INCOMPLETE: ImageHeader = { kind: 'incomplete' };

/**
 * The format and dimensions an image declares, from its first bytes: PNG's IHDR chunk (always
 * first, at byte 8), or a JPEG's frame header (SOFn), found by walking the segments before it.
 * Decoders allocate from these numbers, so limits are checked against them before decoding.
 */
export function readImageHeader(bytes: Uint8Array): ImageHeader {
  if (bytes.length < PNG_MAGIC.length) {
    const pngSoFar = bytes.every((b, i) => b === PNG_MAGIC[i]);
    const jpegSoFar = bytes.every((b, i) => b === [0xff, 0xd8, 0xff][i]);
    if (pngSoFar || jpegSoFar) return INCOMPLETE;
  }
  const format = sniffImageFormat(bytes);
  if (format === undefined) return { kind: 'invalid', reason: 'content is not PNG or JPEG' };
  return format === 'png' ? pngHeader(bytes) : jpegHeader(bytes);
}

function pngHeader(bytes: Uint8Array): ImageHeader {
  if (bytes.length < 24) return INCOMPLETE;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR')
    return { kind: 'invalid', reason: 'the PNG does not start with its IHDR header' };
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width === 0 || height === 0) return { kind: 'invalid', reason: `the PNG declares ${width}x${height} pixels` };
  return { kind: 'image', format: 'png', width, height };
}

// Frame headers: SOF0-3, 5-7, 9-11, 13-15 (0xC4 is DHT, 0xC8 JPG, 0xCC DAC).
const isFrameMarker = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
// Markers without a length: TEM and the restart markers (SOI was passed already).
const isStandalone = (m: number) => m === 0x01 || (m >= 0xd0 && m <= 0xd7);

function jpegHeader(bytes: Uint8Array): ImageHeader {
  let p = 2; // past SOI
  for (;;) {
    if (p >= bytes.length) return INCOMPLETE;
    if (bytes[p] !== 0xff)
      return { kind: 'invalid', reason: 'the JPEG has a malformed segment before its frame header' };
    while (bytes[p] === 0xff) p += 1; // fill bytes
    if (p >= bytes.length) return INCOMPLETE;
    const marker = bytes[p]!;
    p += 1;
    if (isStandalone(marker)) continue;
    if (marker === 0xda || marker === 0xd9 || marker === 0xd8)
      return { kind: 'invalid', reason: 'the JPEG has no frame header before its image data' };
    if (p + 2 > bytes.length) return INCOMPLETE;
    const length = (bytes[p]! << 8) | bytes[p + 1]!;
    if (length < 2) return { kind: 'invalid', reason: 'the JPEG has a malformed segment length' };
    if (isFrameMarker(marker)) {
      if (p + 7 > bytes.length) return INCOMPLETE;
      const height = (bytes[p + 3]! << 8) | bytes[p + 4]!;
      const width = (bytes[p + 5]! << 8) | bytes[p + 6]!;
      // Height 0 defers it to a DNL marker after the data: the size would be known only once decoded.
      if (width === 0 || height === 0)
        return { kind: 'invalid', reason: `the JPEG declares ${width}x${height} pixels` };
      return { kind: 'image', format: 'jpeg', width, height };
    }
    p += length;
  }
}
