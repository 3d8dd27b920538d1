import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalArtifactStore } from './local-artifact-store.ts';

let root: string;
let store: LocalArtifactStore;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'maas-store-'));
  store = new LocalArtifactStore(root);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/**
 * A body already failed when the store gets to it (an upload cancelled while the store was
 * still creating its directory): the failure races the open of the temporary file.
 */
function failingAtOnce(): Readable {
  const body = new Readable({ read() {} });
  body.on('error', () => undefined);
  body.destroy(new Error('client went away'));
  return body;
}

describe('LocalArtifactStore.write', () => {
  it.each([
    ['a buffer', () => Buffer.from('x,y\n1,2\n')],
    ['a stream', () => Readable.from([Buffer.from('x,y\n'), Buffer.from('1,2\n')])],
  ])('commits the whole body, given as %s, under its key with its size and digest', async (_, body) => {
    const written = await store.write('p/datasets/a.csv', body());
    expect(written).toEqual({ sizeBytes: 8, sha256: createHash('sha256').update('x,y\n1,2\n').digest('hex') });
    expect(await store.read('p/datasets/a.csv')).toEqual(Buffer.from('x,y\n1,2\n'));
    expect(await store.list('p')).toEqual(['p/datasets/a.csv']);
    expect(await store.list('')).toContain('p/datasets/a.csv');
  });

  it('keeps the file for its owner alone, whichever way the body came', async () => {
    await store.write('p/a.bin', Buffer.from('secret'));
    await store.write('p/b.bin', Readable.from([Buffer.from('secret')]));
    for (const name of ['a.bin', 'b.bin']) expect((await stat(path.join(root, 'p', name))).mode & 0o777).toBe(0o600);
    expect(await readdir(path.join(root, 'p'))).toEqual(['a.bin', 'b.bin']);
  });

  it('leaves no file at all when the body fails before the file is open', async () => {
    // Many in a row: each failure races the asynchronous open of its temporary file.
    const attempts = Array.from({ length: 25 }, (_, i) => store.write(`p/datasets/${i}.csv`, failingAtOnce()));
    const outcomes = await Promise.allSettled(attempts);
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    expect(await readdir(path.join(root, 'p', 'datasets'))).toEqual([]);
  });
});
