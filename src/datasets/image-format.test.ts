import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { isBase64ImageCell, sniffImageFormat } from './image-format.ts';

const png = () => new Uint8Array(PNG.sync.write(new PNG({ width: 4, height: 4 })));
const jpg = () => new Uint8Array(jpeg.encode({ data: Buffer.alloc(4 * 4 * 4, 200), width: 4, height: 4 }, 90).data);
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

describe('sniffImageFormat', () => {
  it('names PNG and JPEG by their leading bytes, whatever follows', () => {
    expect(sniffImageFormat(png())).toBe('png');
    expect(sniffImageFormat(jpg())).toBe('jpeg');
    expect(sniffImageFormat(png().slice(0, 8))).toBe('png');
  });

  it('names nothing else, a cut-off signature included', () => {
    for (const bytes of [
      new TextEncoder().encode('GIF89a...'),
      new Uint8Array(0),
      png().slice(0, 7),
      new Uint8Array([0xff, 0xd8]),
    ]) {
      expect(sniffImageFormat(bytes)).toBeUndefined();
    }
  });
});

describe('isBase64ImageCell', () => {
  it('recognises base64 PNG and JPEG files', () => {
    expect(isBase64ImageCell(base64(png()))).toBe(true);
    expect(isBase64ImageCell(base64(jpg()))).toBe(true);
  });

  it('refuses other base64, other text, and image prefixes too short to be an image', () => {
    expect(isBase64ImageCell(base64(new TextEncoder().encode('GIF89a'.repeat(20))))).toBe(false);
    expect(isBase64ImageCell(`${base64(png())} and some words`)).toBe(false);
    expect(isBase64ImageCell(base64(png()).slice(0, 40))).toBe(false);
  });
});
