import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
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
      return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
