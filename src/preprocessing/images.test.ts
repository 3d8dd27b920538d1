import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import { sniffImageFormat } from '../datasets/image-format.ts';
import type { DomainError } from '../errors.ts';
import { imageInstancesToBatch, RequestImagesTooLargeError } from './image-instances.ts';
import { bytesFromB64Instance, decodeImage, ImageTooLargeError, imagesToBatch, imageToTensor } from './images.ts';
import { selectBackend } from '../ml/backend.ts';

/** A PNG from RGBA pixel tuples, row by row. */
function png(width: number, height: number, pixels: [number, number, number, number][]): Uint8Array {
  const image = new PNG({ width, height });
  pixels.forEach((p, i) => image.data.set(p, i * 4));
  return new Uint8Array(PNG.sync.write(image));
}

function solidJpeg(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...rgb, 255], i * 4);
  return new Uint8Array(jpeg.encode({ data, width, height }, 95).data);
}

const RED: [number, number, number, number] = [255, 0, 0, 255];
const WHITE: [number, number, number, number] = [255, 255, 255, 255];
const CLEAR_WHITE: [number, number, number, number] = [255, 255, 255, 0];
const GRAY: [number, number, number, number] = [128, 128, 128, 255];

beforeAll(async () => {
  expect(await selectBackend('wasm')).toBe('wasm');
});

describe('decodeImage', () => {
  it('decodes PNG and JPEG to RGBA, recognising the format by content', () => {
    const p = png(2, 1, [RED, GRAY]);
    expect(sniffImageFormat(p)).toBe('png');
    expect(Array.from(decodeImage(p).data)).toEqual([...RED, ...GRAY]);
    const j = solidJpeg(8, 8, [0, 0, 255]);
    expect(sniffImageFormat(j)).toBe('jpeg');
    const decoded = decodeImage(j);
    expect([decoded.width, decoded.height]).toEqual([8, 8]);
    expect(decoded.data[2]).toBeGreaterThan(240);
    expect(decoded.data[0]).toBeLessThan(15);
  });

  it('rejects other formats, corrupt data and oversized images (from the header, before decoding)', () => {
    expect(() => decodeImage(new TextEncoder().encode('GIF89a...'))).toThrow(ValidationError);
    const truncated = png(4, 4, Array(16).fill(WHITE)).slice(0, 40);
    expect(() => decodeImage(truncated)).toThrow(/could not be decoded/);
    const huge = png(2, 2, [WHITE, WHITE, WHITE, WHITE]);
    new DataView(huge.buffer).setUint32(16, 100_000);
    new DataView(huge.buffer).setUint32(20, 100_000);
    expect(() => decodeImage(huge)).toThrow(ImageTooLargeError);
    expect(() => decodeImage(huge)).toThrow(/100000x100000/);
    expect(() => decodeImage(png(20, 20, Array(400).fill(WHITE)), 399)).toThrow(/at most 399 pixels/);
  });

  it('judges the declared size before inflating: a header with no data is too large, not corrupt', () => {
    // 3000x3000 is under the old 4096x4096 default, so only the header check refuses it.
    const header = png(2, 2, [WHITE, WHITE, WHITE, WHITE]).slice(0, 33);
    new DataView(header.buffer).setUint32(16, 3000);
    new DataView(header.buffer).setUint32(20, 3000);
    expect(() => decodeImage(header)).toThrow(ImageTooLargeError);
    expect(() => decodeImage(header, 3000 * 3000)).toThrow(/could not be decoded/);
  });

  it('refuses a JPEG by its frame header, the same way', () => {
    const j = solidJpeg(8, 8, [9, 9, 9]);
    const frame = j.findIndex((b, i) => b === 0xff && j[i + 1] === 0xc0);
    new DataView(j.buffer, j.byteOffset).setUint16(frame + 5, 2049);
    new DataView(j.buffer, j.byteOffset).setUint16(frame + 7, 2048);
    const error = (() => {
      try {
        decodeImage(j);
      } catch (caught) {
        return caught as ImageTooLargeError;
      }
    })();
    expect(error).toBeInstanceOf(ImageTooLargeError);
    expect(error).toMatchObject({ code: 'image_too_large', status: 413, width: 2048, height: 2049 });
  });
});

describe('imageToTensor', () => {
  it('scales to [0, 1], converts to luma or RGB, and composites transparency over black', () => {
    const bytes = png(3, 1, [WHITE, RED, CLEAR_WHITE]);
    const gray = imageToTensor(bytes, { height: 1, width: 3, channels: 1 });
    expect(gray.shape).toEqual([1, 3, 1]);
    const [w, r, clear] = Array.from(gray.dataSync());
    expect(w).toBeCloseTo(1, 5);
    expect(r).toBeCloseTo(0.299, 5);
    expect(clear).toBe(0);
    const rgb = imageToTensor(bytes, { height: 1, width: 3, channels: 3 });
    expect(Array.from(rgb.dataSync())).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0]);
  });

  it('resizes bilinearly to the configured size', () => {
    // Left half white, right half black: the 2x2 result keeps a bright left and dark right column.
    const pixels = Array.from({ length: 16 }, (_, i): [number, number, number, number] =>
      i % 4 < 2 ? WHITE : [0, 0, 0, 255],
    );
    const t = imageToTensor(png(4, 4, pixels), { height: 2, width: 2, channels: 1 });
    expect(t.shape).toEqual([2, 2, 1]);
    const [a, b] = Array.from(t.dataSync());
    expect(a).toBeCloseTo(1, 5);
    expect(b).toBeCloseTo(0, 5);
    const up = imageToTensor(png(2, 2, [WHITE, GRAY, GRAY, WHITE]), { height: 5, width: 7, channels: 3 });
    expect(up.shape).toEqual([5, 7, 3]);
    expect(up.max().dataSync()[0]).toBeLessThanOrEqual(1);
    expect(up.min().dataSync()[0]).toBeGreaterThanOrEqual(0);
  });
});

describe('b64 prediction instances', () => {
  const spec = { height: 4, width: 4, channels: 3 } as const;
  const a = png(2, 2, [RED, WHITE, GRAY, CLEAR_WHITE]);
  const b = solidJpeg(6, 3, [10, 200, 30]);

  it('give exactly the tensors training gets from the same bytes', async () => {
    const fromB64 = await imageInstancesToBatch(
      [{ b64: Buffer.from(a).toString('base64') }, { b64: Buffer.from(b).toString('base64url') }],
      spec,
      'image',
    );
    const fromTraining = imagesToBatch([a, b], spec);
    expect(fromTraining.shape).toEqual([2, 4, 4, 3]);
    expect(Array.from(fromB64)).toEqual(Array.from(fromTraining.dataSync()));
    tf.dispose(fromTraining);
  });

  it('name the offending instance in validation errors', async () => {
    const issuePath = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return (error as ValidationError).issues?.[0]?.path;
      }
      return undefined;
    };
    expect(issuePath(() => bytesFromB64Instance('abc', 'instances.0'))).toBe('instances.0');
    expect(issuePath(() => bytesFromB64Instance({ b64: 'aGk=', extra: 1 }, 'instances.0'))).toBe('instances.0');
    expect(issuePath(() => bytesFromB64Instance({ b64: 'not base64!' }, 'instances.2'))).toBe('instances.2.b64');
    const notAnImage = { b64: Buffer.from('hello').toString('base64') };
    const rejected = await imageInstancesToBatch(
      [{ b64: Buffer.from(a).toString('base64') }, notAnImage],
      spec,
      'image',
    ).catch((error: unknown) => error);
    expect(rejected).toBeInstanceOf(ValidationError);
    expect((rejected as ValidationError).issues?.[0]?.path).toBe('instances.1.b64');
  });
});

describe('the pixel caps of a prediction request', () => {
  const spec = { height: 2, width: 2, channels: 1 } as const;
  const image = (width: number, height: number) =>
    Buffer.from(png(width, height, Array(width * height).fill(GRAY))).toString('base64');
  const limits = { maxPixelsPerImage: 100, maxPixelsPerRequest: 250 };
  const refusal = (instances: unknown[]) =>
    imageInstancesToBatch(instances, spec, 'image', limits).then(
      () => undefined,
      (error: unknown) => error as DomainError,
    );

  it('refuses each image past the per-image cap, before decoding any, naming every such instance', async () => {
    const error = await refusal([
      { b64: image(10, 10) },
      { b64: image(11, 10) },
      'not base64!',
      { image: image(20, 6) },
    ]);
    expect(error).toBeInstanceOf(ImageTooLargeError);
    expect(error).toMatchObject({ status: 413, extra: { instance: 1, width: 11, height: 10, maxPixels: 100 } });
    expect(error?.issues?.map((i) => i.path)).toEqual(['instances.1.b64', 'instances.3.image']);
  });

  it('refuses images that pass one by one but not together, naming where the sum crosses the cap', async () => {
    expect(await refusal([{ b64: image(10, 10) }, { b64: image(10, 10) }, { b64: image(5, 10) }])).toBeUndefined();
    const error = await refusal([{ b64: image(10, 10) }, { b64: image(10, 10) }, { b64: image(6, 10) }]);
    expect(error).toBeInstanceOf(RequestImagesTooLargeError);
    expect(error).toMatchObject({
      code: 'request_images_too_large',
      status: 413,
      extra: { pixels: 260, maxPixels: 250, instance: 2 },
    });
  });

  it('gives the event loop back between slices of a large request', async () => {
    // Four images of 600x600 are about 1.4 million pixels: more than one slice.
    const big = image(600, 600);
    const instances = Array.from({ length: 4 }, () => ({ b64: big }));
    // Another piece of work waiting for the loop: it gets a turn only if decoding yields.
    let turns = 0;
    let ticking = true;
    const tick = () => {
      turns += 1;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    let encoded: Float32Array;
    try {
      encoded = await imageInstancesToBatch(instances, spec, 'image', {
        maxPixelsPerImage: 600 * 600,
        maxPixelsPerRequest: 4 * 600 * 600,
      });
    } finally {
      ticking = false;
    }
    expect(encoded.length).toBe(4 * 4);
    expect(turns).toBeGreaterThan(0);
    await new Promise((resolve) => setImmediate(resolve));
  });
});
