import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { LocalArtifactStore } from '../../src/storage/local-artifact-store.ts';

/** A LocalArtifactStore in a fresh temp dir, for tests. */
export interface TempArtifactStore {
  store: LocalArtifactStore;
  /** Every file under the root, `.partial` temp files included. */
  files(): Promise<string[]>;
  remove(): Promise<void>;
}

/** Creates a LocalArtifactStore on its own directory under os.tmpdir(). */
export async function createTempArtifactStore(): Promise<TempArtifactStore> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'maas-datasets-'));
  return {
    store: new LocalArtifactStore(root),
    async files() {
      const entries = await readdir(root, { recursive: true, withFileTypes: true });
      return entries
        .filter((entry) => entry.isFile())
        .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

/**
 * A temp artifact store for the calling test file, made before its tests and removed after:
 * one for the whole file, or with `fresh: 'each'` a new one for every test. Use it inside
 * tests and hooks only (it exists from the first hook on).
 */
export function useTempArtifactStore(fresh: 'file' | 'each' = 'file'): Omit<TempArtifactStore, 'remove'> {
  let temp: TempArtifactStore | undefined;
  const current = () => {
    if (temp === undefined) throw new Error('The temp artifact store exists only inside tests and hooks.');
    return temp;
  };
  (fresh === 'each' ? beforeEach : beforeAll)(async () => {
    temp = await createTempArtifactStore();
  });
  (fresh === 'each' ? afterEach : afterAll)(async () => {
    await temp?.remove();
    temp = undefined;
  });
  return {
    get store() {
      return current().store;
    },
    files: () => current().files(),
  };
}
