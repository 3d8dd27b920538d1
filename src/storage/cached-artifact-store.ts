import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { ArtifactRanges, ArtifactStore, WrittenArtifact } from './artifact-store.ts';

export interface ArtifactCacheOptions {
  /**
   * Where copies live: this process's own directory under it, named by host and pid (a volume
   * may be shared by containers); directories of this host's processes that no longer run (a
   * crash, a kill -9) are removed on first use.
   */
  root: string;
  /** Most bytes kept; the least recently read copies are deleted first. */
  maxBytes: number;
  /** Which keys are copied: those written once and never changed (model artifacts). */
  cacheable?: (key: string) => boolean;
}

interface Copy {
  file: string;
  bytes: number;
}

/** Model artifacts: every attempt and import writes under a prefix of its own, never twice. */
const modelArtifact = (key: string) => key.startsWith('models/');

/**
 * A read-through copy of an object store's model artifacts on the local disk, so a process
 * downloads each artifact once and a model evicted from memory reloads without a download.
 * Bounded by bytes, least recently read first out. It sits under the encryption layer, so the
 * copies are the stored (encrypted) bytes; the loader still verifies every artifact's digest.
 *
 * Writes and deletions go to the store and drop the local copy. Copies are files named by a
 * counter, not by key, written to a temporary name and renamed, so a reader never sees half a
 * copy and a crash leaves a directory the next process to use the cache removes.
 */
export class CachedArtifactStore implements ArtifactStore {
  readonly #copies = new Map<string, Copy>();
  readonly #fetching = new Map<string, Promise<Buffer>>();
  readonly #cacheable: (key: string) => boolean;
  readonly #dir: string;
  #bytes = 0;
  #next = 0;
  /** Bumped by every write and deletion: a fetch that began before one keeps no copy. */
  #changes = 0;
  #ready: Promise<void> | undefined;

  constructor(
    private readonly origin: ArtifactStore,
    private readonly opts: ArtifactCacheOptions,
  ) {
    this.#cacheable = opts.cacheable ?? modelArtifact;
    this.#dir = path.join(opts.root, `${os.hostname()}-${process.pid}`);
  }

  /** Copies held now and their bytes. */
  stats(): { entries: number; bytes: number } {
    return { entries: this.#copies.size, bytes: this.#bytes };
  }

  async read(key: string): Promise<Buffer> {
    if (!this.#cacheable(key) || this.opts.maxBytes <= 0) return this.origin.read(key);
    const copy = this.#copies.get(key);
    if (copy !== undefined) {
      this.#copies.delete(key);
      this.#copies.set(key, copy); // Map order is the LRU order: most recent last.
      try {
        return await readFile(copy.file);
      } catch {
        void this.#forget(key);
        return this.origin.read(key);
      }
    }
    const running = this.#fetching.get(key);
    if (running !== undefined) return running;
    const fetching = this.#fetch(key).finally(() => this.#fetching.delete(key));
    this.#fetching.set(key, fetching);
    return fetching;
  }

  createReadStream(key: string): Readable {
    return this.origin.createReadStream(key);
  }

  async write(key: string, source: Readable | Uint8Array): Promise<WrittenArtifact> {
    this.#changes += 1;
    await this.#forget(key);
    return this.origin.write(key, source);
  }

  /** Ranged reads (Parquet datasets) go to the store: only whole model artifacts are copied. */
  openRanges(key: string): Promise<ArtifactRanges> {
    return this.origin.openRanges(key);
  }

  exists(key: string): Promise<boolean> {
    return this.origin.exists(key);
  }

  async delete(key: string): Promise<void> {
    this.#changes += 1;
    await this.#forget(key);
    await this.origin.delete(key);
  }

  async deletePrefix(prefix: string): Promise<void> {
    this.#changes += 1;
    const keys = [...this.#copies.keys()].filter((key) => key.startsWith(prefix));
    await Promise.all(keys.map((key) => this.#forget(key)));
    await this.origin.deletePrefix(prefix);
  }

  list(prefix: string): Promise<string[]> {
    return this.origin.list(prefix);
  }

  check(): Promise<void> {
    return this.origin.check();
  }

  /** Deletes this process's copies (on shutdown). */
  async close(): Promise<void> {
    this.#copies.clear();
    this.#bytes = 0;
    this.#ready = undefined;
    await rm(this.#dir, { recursive: true, force: true });
  }

  async #fetch(key: string): Promise<Buffer> {
    const changes = this.#changes;
    const bytes = await this.origin.read(key);
    // The copy is an optimisation: failing to keep it never fails the read.
    await this.#keep(key, bytes, changes).catch(() => undefined);
    return bytes;
  }

  async #keep(key: string, bytes: Buffer, changes: number): Promise<void> {
    if (bytes.byteLength > this.opts.maxBytes) return;
    this.#ready ??= sweep(this.opts.root)
      .then(() => rm(this.#dir, { recursive: true, force: true }))
      .then(() => mkdir(this.#dir, { recursive: true }))
      .then(() => undefined);
    await this.#ready;
    const file = path.join(this.#dir, String(this.#next++));
    const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temporary, bytes);
    await rename(temporary, file);
    if (changes !== this.#changes) {
      await rm(file, { force: true });
      return;
    }
    const removals = [this.#forget(key)];
    this.#copies.set(key, { file, bytes: bytes.byteLength });
    this.#bytes += bytes.byteLength;
    for (const [oldest] of this.#copies) {
      if (this.#bytes <= this.opts.maxBytes) break;
      removals.push(this.#forget(oldest));
    }
    await Promise.all(removals);
  }

  /** Drops a copy from the index at once; its file is gone when the result settles. */
  #forget(key: string): Promise<void> {
    const copy = this.#copies.get(key);
    if (copy === undefined) return Promise.resolve();
    this.#copies.delete(key);
    this.#bytes -= copy.bytes;
    return rm(copy.file, { force: true }).catch(() => undefined);
  }
}

/** Removes the directories under `root` of this host's processes that no longer run. */
async function sweep(root: string): Promise<void> {
  const names = await readdir(root).catch(() => [] as string[]);
  const host = `${os.hostname()}-`;
  for (const name of names) {
    if (!name.startsWith(host)) continue;
    const pid = Number(name.slice(host.length));
    if (!Number.isInteger(pid) || pid === process.pid || isRunning(pid)) continue;
    await rm(path.join(root, name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
