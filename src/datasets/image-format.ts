/**
 * What a PNG or a JPEG looks like: the leading bytes of the file (PNG's 8-byte signature,
 * JPEG's SOI marker followed by a segment marker), and the same bytes as base64 text. ZIP
 * entries and base64 CSV/NDJSON cells are judged by these, never by a file name; decoding
 * (src/preprocessing/images.ts) starts from the same check.
 */

export type ImageFormat = 'png' | 'jpeg';

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
