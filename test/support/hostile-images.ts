/**
 * Images built for tests of the pixel caps: real ones small in pixels, and hostile ones small
 * in bytes that declare (and, for the all-zero PNG, really hold) millions of pixels.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { constants, crc32, deflateSync } from 'node:zlib';

/** A real `width`x`height` PNG of one grey `shade`, encoded by pngjs. */
export function solidPng(width: number, height: number, shade: number): Buffer {
  const image = new PNG({ width, height });
  image.data.fill(shade);
  for (let p = 3; p < image.data.length; p += 4) image.data[p] = 255;
  return PNG.sync.write(image);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function ihdr(width: number, height: number): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, no filter, no interlace
  return chunk('IHDR', data);
}

/**
 * A valid, all-zero (transparent black) RGBA PNG of `width`x`height`: a few kB per million
 * pixels, decoding to 4 bytes per pixel. Built by hand, since no encoder needs to see the pixels.
 */
export function zeroPng(width: number, height: number): Buffer {
  // Each row is a filter byte (0) and 4 bytes per pixel, all zero.
  const raw = Buffer.alloc(height * (1 + width * 4));
  return Buffer.concat([
    PNG_SIGNATURE,
    ihdr(width, height),
    // Run-length matching compresses zeros as well as level 9 does, several times faster.
    chunk('IDAT', deflateSync(raw, { level: 9, strategy: constants.Z_RLE })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A PNG cut off right after its header: it declares `width`x`height` and holds no pixels at all. */
export function truncatedPng(width: number, height: number): Buffer {
  return Buffer.concat([PNG_SIGNATURE, ihdr(width, height), Buffer.from([0, 0, 0x10, 0, 0x49, 0x44])]);
}

/**
 * A real 8x8 JPEG whose frame header is rewritten to declare `width`x`height`: a decoder that
 * trusts it allocates for the declared size.
 */
export function jpegDeclaring(width: number, height: number): Buffer {
  const data = Buffer.alloc(8 * 8 * 4, 200);
  const bytes = Buffer.from(jpeg.encode({ data, width: 8, height: 8 }, 90).data);
  for (let p = 2; p < bytes.length - 8;) {
    const marker = bytes[p + 1]!;
    if (marker === 0xc0 || marker === 0xc2) {
      bytes.writeUInt16BE(height, p + 5);
      bytes.writeUInt16BE(width, p + 7);
      return bytes;
    }
    p += 2 + bytes.readUInt16BE(p + 2);
  }
  throw new Error('the encoded JPEG has no frame header');
}
