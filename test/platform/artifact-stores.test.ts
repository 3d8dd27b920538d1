import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArtifactStore } from '../../src/storage/artifact-store.ts';
import { EncryptedArtifactStore } from '../../src/storage/encryption/encrypted-artifact-store.ts';
import { LocalArtifactStore } from '../../src/storage/local-artifact-store.ts';
import { ChecksumMismatchError, parseS3Url, S3ArtifactStore } from '../../src/storage/s3-artifact-store.ts';
import { startS3Server, type S3Server } from '../support/s3-server.ts';

/**
 * One contract, two stores: the local directory and an S3 bucket on a real S3-protocol server
 * (s3rver). Whatever the service relies on holds on both.
 */
let s3: S3Server;
let localRoot: string;
beforeAll(async () => {
  s3 = await startS3Server();
  localRoot = await mkdtemp(path.join(os.tmpdir(), 'maas-contract-'));
});
afterAll(async () => {
  await s3?.close();
  await rm(localRoot, { recursive: true, force: true });
});

function s3Client(): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

const stores: [string, () => ArtifactStore][] = [
  ['the local directory store', () => new LocalArtifactStore(path.join(localRoot, randomBytes(4).toString('hex')))],
  [
    'the S3 store',
    () => new S3ArtifactStore({ bucket: s3.bucket, prefix: `${randomBytes(4).toString('hex')}/` }, s3Client()),
  ],
];

/** `size` seeded pseudo-random bytes in 1 MiB chunks, failing after `failAfter` bytes when given. */
function body(size: number, failAfter?: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (failAfter !== undefined && sent >= failAfter) return this.destroy(new Error('client went away'));
      if (sent >= size) return this.push(null);
      const chunk = Buffer.alloc(Math.min(1 << 20, size - sent), sent % 251);
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

describe.each(stores)('%s', (_name, open) => {
  it('writes a buffer and a stream atomically, with size and digest, and reads both back', async () => {
    const store = open();
    const small = await store.write('p1/models/m/1/weights.bin', Buffer.from('weights'));
    expect(small).toEqual({ sizeBytes: 7, sha256: createHash('sha256').update('weights').digest('hex') });
    expect((await store.read('p1/models/m/1/weights.bin')).toString()).toBe('weights');
    // 20 MiB: more than two 8 MiB parts of a multipart upload.
    const size = 20 * 1024 * 1024;
    const large = await store.write('p1/datasets/big.csv', body(size));
    expect(large.sizeBytes).toBe(size);
    const hash = createHash('sha256');
    let read = 0;
    for await (const chunk of store.createReadStream('p1/datasets/big.csv')) {
      hash.update(chunk as Buffer);
      read += (chunk as Buffer).length;
    }
    expect(read).toBe(size);
    expect(hash.digest('hex')).toBe(large.sha256);
  });

  it('leaves nothing under the key when the body fails part-way', async () => {
    const store = open();
    await expect(store.write('p2/datasets/cut.csv', body(30 << 20, 12 << 20))).rejects.toThrow(/went away/);
    expect(await store.exists('p2/datasets/cut.csv')).toBe(false);
    expect(await store.list('p2')).toEqual([]);
  });

  it('lists, tests and deletes by key and by prefix', async () => {
    const store = open();
    for (const key of ['p3/a/1.bin', 'p3/a/2.bin', 'p3/b/1.bin', 'p4/x.bin']) await store.write(key, Buffer.from(key));
    expect(await store.list('p3')).toEqual(['p3/a/1.bin', 'p3/a/2.bin', 'p3/b/1.bin']);
    expect(await store.list('p3/a/')).toEqual(['p3/a/1.bin', 'p3/a/2.bin']);
    expect(await store.list('')).toEqual(['p3/a/1.bin', 'p3/a/2.bin', 'p3/b/1.bin', 'p4/x.bin']);
    expect(await store.exists('p3/b/1.bin')).toBe(true);
    await store.delete('p3/b/1.bin');
    await store.delete('p3/b/never-there.bin');
    expect(await store.exists('p3/b/1.bin')).toBe(false);
    await store.deletePrefix('p3');
    expect(await store.list('')).toEqual(['p4/x.bin']);
    await store.check();
  });

  it('reads ranges of an object, in clear and encrypted, and answers ENOENT for a missing one', async () => {
    const inner = open();
    // One data key for the test: the layer's records are what a ranged read must open one by one.
    const dataKey = { id: 'k1', key: randomBytes(32) };
    const keys = { forScope: async () => dataKey, keyById: async () => dataKey.key };
    const encrypted = new EncryptedArtifactStore(inner, keys);
    // 200 KiB + 7: three full 64 KiB cipher records and a short last one.
    const bytes = randomBytes(200 * 1024 + 7);
    for (const [store, key] of [
      [inner, 'p6/datasets/plain.parquet'],
      [encrypted, 'p6/datasets/sealed.parquet'],
    ] as const) {
      await store.write(key, Readable.from([bytes.subarray(0, 70_000), bytes.subarray(70_000)]));
      const ranges = await store.openRanges(key);
      expect(ranges.sizeBytes).toBe(bytes.length);
      for (const [start, end] of [
        [0, 4],
        [bytes.length - 8, bytes.length],
        [65_530, 65_546],
        [1000, 140_000],
        [0, bytes.length],
        [100, 100],
        [bytes.length - 3, bytes.length + 50],
      ] as const) {
        expect((await ranges.read(start, end)).equals(bytes.subarray(start, end))).toBe(true);
      }
      await expect(ranges.read(bytes.length + 1, bytes.length + 2)).rejects.toThrow(RangeError);
    }
    // The stored object under encryption is not the plaintext, and a ranged read still is.
    expect((await inner.read('p6/datasets/sealed.parquet')).subarray(0, 4).equals(bytes.subarray(0, 4))).toBe(false);
    await expect(inner.openRanges('p6/missing.parquet')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('answers ENOENT for a missing key, and refuses keys that could escape its root', async () => {
    const store = open();
    await expect(store.read('p5/missing.bin')).rejects.toMatchObject({ code: 'ENOENT' });
    for (const key of ['../x', '/etc/passwd', 'a/../../b', 'a//b', '']) {
      await expect(store.write(key, Buffer.from('x'))).rejects.toThrow(/unsafe artifact key/);
    }
  });
});

describe('the S3 store', () => {
  it('refuses to read an object whose bytes no longer match the digest written with it', async () => {
    const location = { bucket: s3.bucket, prefix: 'tamper/' };
    const store = new S3ArtifactStore(location, s3Client());
    await store.write('p/model.bin', Buffer.from('the real weights'));
    await store.write('p/data.csv', body(9 << 20));
    // Someone with bucket access rewrites both objects behind the service's back.
    const client = s3Client();
    for (const Key of ['tamper/p/model.bin', 'tamper/p/data.csv']) {
      await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key, Body: 'forged' }));
    }
    // The multipart object fails its digest; the single PUT lost the digest in its metadata,
    // and an object without one is not the store's own.
    await expect(store.read('p/data.csv')).rejects.toBeInstanceOf(ChecksumMismatchError);
    await expect(store.read('p/model.bin')).rejects.toBeInstanceOf(ChecksumMismatchError);
    // Untouched objects still read.
    await store.write('p/other.bin', Buffer.from('kept'));
    expect((await store.read('p/other.bin')).toString()).toBe('kept');
  });

  it('parses s3://bucket/prefix URLs and refuses others', () => {
    expect(parseS3Url('s3://models/prod/maas')).toEqual({ bucket: 'models', prefix: 'prod/maas/' });
    expect(parseS3Url('s3://models')).toEqual({ bucket: 'models', prefix: '' });
    expect(() => parseS3Url('https://models/x')).toThrow(/s3:\/\/bucket/);
    expect(() => parseS3Url('s3://UPPER/x')).toThrow(/s3:\/\/bucket/);
  });
});
