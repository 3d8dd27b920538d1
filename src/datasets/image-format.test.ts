import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { isBase64ImageCell, readImageHeader, sniffImageFormat } from './image-format.ts';

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

describe('readImageHeader', () => {
  const sized = (width: number, height: number) => {
    const image = new PNG({ width, height });
    return new Uint8Array(PNG.sync.write(image));
  };
  const jpegOf = (width: number, height: number) =>
    new Uint8Array(jpeg.encode({ data: Buffer.alloc(width * height * 4, 90), width, height }, 90).data);

  it('reads the dimensions of real PNGs and JPEGs from their first bytes', () => {
    expect(readImageHeader(sized(7, 3))).toEqual({ kind: 'image', format: 'png', width: 7, height: 3 });
    expect(readImageHeader(sized(7, 3).slice(0, 24))).toEqual({ kind: 'image', format: 'png', width: 7, height: 3 });
    // jpeg-js writes JFIF (APP0) and the quantisation and Huffman tables before the frame header.
    expect(readImageHeader(jpegOf(9, 5))).toEqual({ kind: 'image', format: 'jpeg', width: 9, height: 5 });
  });

  it('asks for more bytes while the dimensions have not arrived, at every cut', () => {
    const png = sized(2, 2);
    for (let cut = 0; cut < 24; cut++) expect(readImageHeader(png.slice(0, cut)).kind).toBe('incomplete');
    const jpg = jpegOf(2, 2);
    const frame = jpg.findIndex((b, i) => b === 0xff && jpg[i + 1] === 0xc0);
    for (let cut = 0; cut < frame + 9; cut++) expect(readImageHeader(jpg.slice(0, cut)).kind).toBe('incomplete');
    expect(readImageHeader(jpg.slice(0, frame + 9))).toMatchObject({ width: 2, height: 2 });
  });

  it('finds a JPEG frame header past large metadata segments and fill bytes', () => {
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0xff, 0xff]), Buffer.alloc(0xfffd)]);
    const sof2 = Buffer.from([0xff, 0xff, 0xc2, 0x00, 0x0b, 0x08, 0x10, 0x00, 0x20, 0x00, 0x01]);
    const bytes = new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xd8]), app1, app1, sof2]));
    expect(readImageHeader(bytes)).toEqual({ kind: 'image', format: 'jpeg', width: 8192, height: 4096 });
  });

  it('calls other content, a missing IHDR, zero sizes and a scan before any frame header invalid', () => {
    expect(readImageHeader(new TextEncoder().encode('GIF89a, not an image'))).toMatchObject({ kind: 'invalid' });
    const noIhdr = sized(2, 2);
    noIhdr.set(new TextEncoder().encode('IDAT'), 12);
    expect(readImageHeader(noIhdr)).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('IHDR') });
    const zero = sized(2, 2);
    new DataView(zero.buffer).setUint32(16, 0);
    expect(readImageHeader(zero)).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('0x2') });
    const scanFirst = new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02]);
    expect(readImageHeader(scanFirst)).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('frame') });
  });
});
