import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedArtifactStore } from '../../src/storage/cached-artifact-store.ts';
import { S3ArtifactStore } from '../../src/storage/s3-artifact-store.ts';
import { startS3Server, type S3Server } from '../support/s3-server.ts';

/**
 * Local copies of model artifacts read from a bucket (a real S3-protocol server): each is
 * downloaded once, the least recently read go first past the byte bound, and a write or a
 * deletion never leaves a stale copy. "Served from the copy" is proven by deleting the object
 * behind the cache's back: a copy still answers, an evicted one does not.
 */
let s3: S3Server;
let root: string;
let client: S3Client;
beforeAll(async () => {
  s3 = await startS3Server();
  root = await mkdtemp(path.join(os.tmpdir(), 'maas-copies-'));
  client = new S3Client({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
});
afterAll(async () => {
  client?.destroy();
  await s3?.close();
  await rm(root, { recursive: true, force: true });
});

function stores(maxBytes: number) {
  const bucket = new S3ArtifactStore({ bucket: s3.bucket, prefix: `${randomBytes(4).toString('hex')}/` }, client);
  const cached = new CachedArtifactStore(bucket, { root: path.join(root, randomBytes(4).toString('hex')), maxBytes });
  return { bucket, cached };
}

const bytes = (n: number, fill: number) => Buffer.alloc(n, fill);

describe('local copies of model artifacts', () => {
  it('reads each artifact from the bucket once, and evicts the least recently read past the bound', async () => {
    const { bucket, cached } = stores(100);
    for (const [key, fill] of [
      ['models/p/a/weights.bin', 1],
      ['models/p/b/weights.bin', 2],
      ['models/p/c/weights.bin', 3],
    ] as const)
      await bucket.write(key, bytes(40, fill));
    expect(await cached.read('models/p/a/weights.bin')).toEqual(bytes(40, 1));
    expect(await cached.read('models/p/b/weights.bin')).toEqual(bytes(40, 2));
    // a is now the most recently read; c pushes the total past 100 bytes, and b goes.
    await cached.read('models/p/a/weights.bin');
    expect(await cached.read('models/p/c/weights.bin')).toEqual(bytes(40, 3));
    expect(cached.stats()).toEqual({ entries: 2, bytes: 80 });
    const files = await readdir(root, { recursive: true });
    expect(files.filter((name) => /\/\d+$/.test(name))).toHaveLength(2);

    for (const key of ['a', 'b', 'c']) await bucket.delete(`models/p/${key}/weights.bin`);
    expect(await cached.read('models/p/a/weights.bin')).toEqual(bytes(40, 1));
    expect(await cached.read('models/p/c/weights.bin')).toEqual(bytes(40, 3));
    await expect(cached.read('models/p/b/weights.bin')).rejects.toThrow();
    await cached.close();
  });

  it('copies nothing but model artifacts, nor anything larger than the bound', async () => {
    const { bucket, cached } = stores(100);
    await bucket.write('datasets/p/d.csv', bytes(10, 4));
    await bucket.write('models/p/big/weights.bin', bytes(101, 5));
    await cached.read('datasets/p/d.csv');
    await cached.read('models/p/big/weights.bin');
    expect(cached.stats()).toEqual({ entries: 0, bytes: 0 });
    await cached.close();
  });

  it('drops a copy on a write or a deletion through it', async () => {
    const { bucket, cached } = stores(1000);
    await cached.write('models/p/m/model.json', bytes(10, 1));
    await cached.read('models/p/m/model.json');
    await cached.write('models/p/m/model.json', bytes(10, 2));
    expect(await cached.read('models/p/m/model.json')).toEqual(bytes(10, 2));
    await cached.deletePrefix('models/p/');
    expect(cached.stats().entries).toBe(0);
    await expect(cached.read('models/p/m/model.json')).rejects.toThrow();
    expect(await bucket.list('models/')).toEqual([]);
    await cached.close();
  });

  it('removes the directories of processes that no longer run', async () => {
    const { bucket, cached } = stores(1000);
    const cacheRoot = path.join(root, 'shared-root');
    const dead = path.join(cacheRoot, `${os.hostname()}-2147483646`);
    await mkdir(dead, { recursive: true });
    await writeFile(path.join(dead, '0'), 'stale');
    const here = new CachedArtifactStore(bucket, { root: cacheRoot, maxBytes: 1000 });
    await bucket.write('models/p/x/model.json', bytes(5, 1));
    await here.read('models/p/x/model.json');
    expect(await readdir(cacheRoot)).toEqual([`${os.hostname()}-${process.pid}`]);
    await here.close();
    await cached.close();
  });
});
