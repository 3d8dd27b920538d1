import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeferredArtifactStore } from './deferred-artifact-store.ts';
import { LocalArtifactStore } from './local-artifact-store.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'maas-deferred-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('DeferredArtifactStore', () => {
  it('makes the store once, on first use, and serves every operation through it', async () => {
    let made = 0;
    const store = new DeferredArtifactStore(async () => {
      made++;
      return new LocalArtifactStore(root);
    });
    expect(made).toBe(0);
    await store.write('models/a.bin', Buffer.from('weights'));
    expect((await store.read('models/a.bin')).toString()).toBe('weights');
    expect(await text(store.createReadStream('models/a.bin'))).toBe('weights');
    const ranges = await store.openRanges('models/a.bin');
    expect(Buffer.from(await ranges.read(1, 4)).toString()).toBe('eig');
    expect(await store.list('models')).toEqual(['models/a.bin']);
    await store.delete('models/a.bin');
    expect(await store.exists('models/a.bin')).toBe(false);
    expect(made).toBe(1);
  });

  it('fails the uses that found the store unmade, streams included, and tries again on the next', async () => {
    let attempts = 0;
    const store = new DeferredArtifactStore(async () => {
      if (++attempts <= 2) throw new Error('no credentials yet');
      return new LocalArtifactStore(root);
    });
    await expect(store.read('models/a.bin')).rejects.toThrow('no credentials yet');
    await expect(text(store.createReadStream('models/a.bin'))).rejects.toThrow('no credentials yet');
    await store.write('models/a.bin', Buffer.from('weights'));
    expect(attempts).toBe(3);
    await expect(text(store.createReadStream('models/none.bin'))).rejects.toThrow();
  });
});
