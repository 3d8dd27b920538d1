/**
 * Recognising base64-encoded images in CSV/NDJSON cells, so such a column profiles as
 * `image` rather than `text`. The base64 of the PNG signature and of JPEG's SOI marker have
 * fixed leading characters, so a cell is judged by its prefix and alphabet without decoding.
 */

const PNG_PREFIX = 'iVBORw0KGgo';
const JPEG_PREFIX = '/9j/';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** A real PNG or JPEG is never shorter than this many base64 characters. */
const MIN_LENGTH = 64;

/** True when `value` is standard base64 whose bytes start like a PNG or a JPEG. */
export function isBase64ImageCell(value: string): boolean {
  return value.length >= MIN_LENGTH && (value.startsWith(PNG_PREFIX) || value.startsWith(JPEG_PREFIX)) && BASE64.test(value);
}
