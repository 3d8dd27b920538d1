import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { InvalidDatasetError } from '../errors.ts';
import { ArchiveLimitError, readImageArchive } from './image-archive.ts';
import { buildZip, type ZipEntrySpec } from '../../test/support/zip-builder.ts';

const tinyPng = (shade: number): Uint8Array => {
  const image = new PNG({ width: 2, height: 2 });
  image.data.fill(shade);
  return new Uint8Array(PNG.sync.write(image));
};
/** A PNG's signature and IHDR chunk header declaring `width`x`height` (the chunk's data and CRC are not included). */
const pngHeader = (width: number, height: number): Uint8Array => {
  const header = Buffer.alloc(24);
  header.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  header.writeUInt32BE(13, 8);
  header.write('IHDR', 12, 'latin1');
  header.writeUInt32BE(width, 16);
  header.writeUInt32BE(height, 20);
  return header;
};
/** A "PNG" of `size` bytes: a real 1x1 header, then zeros (compresses ~1000x) or random bytes (not at all). */
const fakePng = (size: number, fill: 'zeros' | 'random'): Uint8Array => {
  const bytes = fill === 'zeros' ? new Uint8Array(size) : new Uint8Array(randomBytes(size));
  bytes.set(pngHeader(1, 1));
  return bytes;
};

async function limitBreached(zip: Buffer, limits: Parameters<typeof readImageArchive>[1]): Promise<string> {
  try {
    await readImageArchive(zip, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(ArchiveLimitError);
    expect((error as ArchiveLimitError).status).toBe(413);
    return String((error as ArchiveLimitError).extra?.limit);
  }
  throw new Error('expected the archive to be refused');
}

describe('readImageArchive', () => {
  it('reads the digits fixture: a root folder holding one folder per class', async () => {
    const archive = await readImageArchive(
      readFileSync(new URL('../../test/fixtures/images/digits.zip', import.meta.url)),
    );
    expect(archive.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(archive.images).toHaveLength(600);
    expect(archive.images.filter((i) => i.label === '7')).toHaveLength(60);
    expect(archive.skipped).toEqual([]);
  });

  it('takes top-level folders as classes and reports every entry it does not use', async () => {
    const entries: ZipEntrySpec[] = [
      { name: 'cat/', data: new Uint8Array() },
      { name: 'cat/a.png', data: tinyPng(10) },
      { name: 'cat/nested/b.PNG', data: tinyPng(20), method: 'store' },
      { name: 'dög/c.jpg', data: tinyPng(30) }, // content decides the format, not the extension
      { name: 'dög/notes.txt', data: new TextEncoder().encode('hello') },
      { name: 'dög/fake.png', data: new TextEncoder().encode('not a png') },
      { name: 'loose.png', data: tinyPng(40) },
      { name: '__MACOSX/cat/._a.png', data: tinyPng(50) },
      { name: 'cat/secret.png', data: tinyPng(60), encrypted: true },
    ];
    const archive = await readImageArchive(buildZip(entries));
    expect(archive.images.map((i) => [i.label, i.name, i.format])).toEqual([
      ['cat', 'cat/a.png', 'png'],
      ['cat', 'cat/nested/b.PNG', 'png'],
      ['dög', 'dög/c.jpg', 'png'],
    ]);
    expect(archive.labels).toEqual(['cat', 'dög']);
    expect(archive.images[0]!.bytes).toEqual(tinyPng(10));
    expect(Object.fromEntries(archive.skipped.map((s) => [s.name, s.reason]))).toEqual({
      'dög/notes.txt': 'not a .png, .jpg or .jpeg file',
      'dög/fake.png': 'content is not PNG or JPEG',
      'loose.png': 'not inside a class folder',
      '__MACOSX/cat/._a.png': 'archiver metadata',
      'cat/secret.png': 'encrypted entry',
    });
  });

  it('skips zip-slip names instead of using them, and keeps reading the rest', async () => {
    const hostile = [
      '../evil.png',
      'cat/../../evil.png',
      '/etc/evil.png',
      'C:/evil.png',
      'cat\\..\\..\\evil.png',
      'cat//evil.png',
      'cat/./evil.png',
      'cat/evil\u0000.png',
    ];
    const zip = buildZip([
      ...hostile.map((name) => ({ name, data: tinyPng(1) })),
      { name: 'cat/ok.png', data: tinyPng(2) },
      { name: 'dog/ok.png', data: tinyPng(3) },
    ]);
    const archive = await readImageArchive(zip);
    expect(archive.images.map((i) => i.name)).toEqual(['cat/ok.png', 'dog/ok.png']);
    expect(archive.skipped).toHaveLength(hostile.length);
    for (const s of archive.skipped) expect(s.reason).toMatch(/^unsafe entry name/);
  });

  it('refuses more entries than maxEntries', async () => {
    const zip = buildZip(Array.from({ length: 6 }, (_, i) => ({ name: `c${i % 2}/${i}.png`, data: tinyPng(i) })));
    expect((await readImageArchive(zip, { maxEntries: 6 })).images).toHaveLength(6);
    expect(await limitBreached(zip, { maxEntries: 5 })).toBe('maxEntries');
  });

  it('refuses an entry larger than maxEntryBytes', async () => {
    const zip = buildZip([{ name: 'a/big.png', data: fakePng(50_000, 'random') }]);
    expect(await limitBreached(zip, { maxEntryBytes: 40_000 })).toBe('maxEntryBytes');
  });

  it('does not trust a header that under-declares the size: the entry is cut off while inflating', async () => {
    const zip = buildZip([
      { name: 'a/liar.png', data: fakePng(3_000_000, 'random'), declaredSize: 1000 },
      { name: 'a/ok.png', data: tinyPng(5) },
      { name: 'b/ok.png', data: tinyPng(6) },
    ]);
    const archive = await readImageArchive(zip, { maxEntryBytes: 100_000 });
    expect(archive.images.map((i) => i.name)).toEqual(['a/ok.png', 'b/ok.png']);
    expect(archive.skipped[0]).toMatchObject({
      name: 'a/liar.png',
      reason: expect.stringMatching(/could not be read: too many bytes/),
    });
  });

  it('refuses a total inflated size above maxTotalBytes, counted across entries', async () => {
    const zip = buildZip(
      Array.from({ length: 4 }, (_, i) => ({ name: `c${i}/x.png`, data: fakePng(30_000, 'random') })),
    );
    expect((await readImageArchive(zip, { maxTotalBytes: 120_000 })).images).toHaveLength(4);
    expect(await limitBreached(zip, { maxTotalBytes: 100_000 })).toBe('maxTotalBytes');
  });

  it('refuses a zip bomb: an entry inflating far beyond its compressed size', async () => {
    const zip = buildZip([{ name: 'a/bomb.png', data: fakePng(5_000_000, 'zeros') }]);
    expect(zip.byteLength).toBeLessThan(10_000);
    expect(await limitBreached(zip, {})).toBe('maxCompressionRatio');
  });

  it('skips an entry whose header declares too many pixels, reading no further than its header', async () => {
    // The header says 100000x100000 and 4 MB of zeros follow: were the entry inflated whole, it
    // would breach the compression ratio and refuse the archive; skipped at its header, it does not.
    const bomb = Buffer.concat([pngHeader(100_000, 100_000), new Uint8Array(4_000_000)]);
    const zip = buildZip([
      { name: 'a/ok.png', data: tinyPng(1) },
      { name: 'b/huge.png', data: bomb },
      { name: 'b/ok.png', data: tinyPng(2) },
    ]);
    expect(zip.byteLength).toBeLessThan(20_000);
    const archive = await readImageArchive(zip, { maxImagePixels: 1_000_000 });
    expect(archive.images.map((i) => i.name)).toEqual(['a/ok.png', 'b/ok.png']);
    expect(archive.skipped).toEqual([
      { name: 'b/huge.png', reason: 'the image is 100000x100000; at most 1000000 pixels are accepted' },
    ]);
    // The cap is the one given: with 3, even the 2x2 images are too large.
    await expect(readImageArchive(zip, { maxImagePixels: 3 })).rejects.toThrow(/no PNG or JPEG images/);
  });

  it('skips an oversized JPEG by its frame header, after metadata segments', async () => {
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0x01, 0x02]), Buffer.alloc(0x0100)]);
    const sof0 = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0xff, 0xff, 0xff, 0xff, 0x03]);
    const hostile = Buffer.concat([Buffer.from([0xff, 0xd8]), app1, sof0, Buffer.alloc(1_000_000)]);
    const archive = await readImageArchive(
      buildZip([
        { name: 'a/ok.png', data: tinyPng(1) },
        { name: 'b/huge.jpg', data: hostile },
      ]),
    );
    expect(archive.skipped).toEqual([
      { name: 'b/huge.jpg', reason: 'the image is 65535x65535; at most 4194304 pixels are accepted' },
    ]);
  });

  it('rejects uploads that are not ZIP archives or hold no images', async () => {
    await expect(readImageArchive(new TextEncoder().encode('a,b\n1,2\n'))).rejects.toThrow(InvalidDatasetError);
    await expect(
      readImageArchive(buildZip([{ name: 'a/readme.txt', data: new TextEncoder().encode('x') }])),
    ).rejects.toThrow(/no PNG or JPEG images/);
  });
});
