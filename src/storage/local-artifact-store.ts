import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, open, readFile, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { once } from 'node:events';
import {
  assertSafeKey,
  checkedRange,
  type ArtifactRanges,
  type ArtifactStore,
  type WrittenArtifact,
} from './artifact-store.ts';

/**
 * Bytes per read of a stream: 1 MiB rather than fs's 64 KiB, as artifacts streamed whole are
 * datasets of many megabytes: a 100 MB batch input read in 64 KiB reads spent about 150 ms of
 * the reading thread's CPU in the reads' calls alone (BENCHMARKS.md, 5a).
 */
const READ_CHUNK_BYTES = 1 << 20;

/** An artifact store in a local directory (`ARTIFACT_DIR`). */
export class LocalArtifactStore implements ArtifactStore {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** Maps a key to a path, refusing anything that could leave the root (`..`, absolute paths). */
  private resolve(key: string): string {
    assertSafeKey(key);
    return path.join(this.root, key);
  }

  async write(key: string, source: Readable | Uint8Array): Promise<WrittenArtifact> {
    const target = this.resolve(key);
    // Owner-only (0700 folders, 0600 files): other users of the machine read no tenant's data.
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    const temporary = `${target}.${randomUUID()}.partial`;
    if (!(source instanceof Readable)) {
      // One writeFile (open, write, close) rather than a stream's write per piece.
      const bytes = Buffer.from(source.buffer, source.byteOffset, source.byteLength);
      try {
        await writeFile(temporary, bytes, { mode: 0o600 });
        await rename(temporary, target);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      return { sizeBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
    }
    const hash = createHash('sha256');
    let sizeBytes = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        sizeBytes += chunk.length;
        callback(null, chunk);
      },
    });
    const file = createWriteStream(temporary, { mode: 0o600 });
    try {
      await pipeline(source, measure, file);
      await rename(temporary, target);
    } catch (error) {
      // The file is opened asynchronously: a source that fails at once rejects the pipeline
      // before the open lands, and a removal then would run before the file exists.
      if (!file.closed) await once(file, 'close').catch(() => undefined);
      await rm(temporary, { force: true });
      throw error;
    }
    return { sizeBytes, sha256: hash.digest('hex') };
  }

  read(key: string): Promise<Buffer> {
    return readFile(this.resolve(key));
  }

  createReadStream(key: string): Readable {
    return createReadStream(this.resolve(key), { highWaterMark: READ_CHUNK_BYTES });
  }

  async openRanges(key: string): Promise<ArtifactRanges> {
    const file = this.resolve(key);
    const { size: sizeBytes, ino, mtimeMs } = await stat(file);
    return {
      sizeBytes,
      async read(start, end) {
        const stop = checkedRange(sizeBytes, start, end, key);
        // Opened per read, so nothing stays open when a reader stops part-way.
        const handle = await open(file, 'r');
        try {
          const now = await handle.stat();
          if (now.ino !== ino || now.mtimeMs !== mtimeMs || now.size !== sizeBytes)
            throw new Error(`Artifact '${key}' was replaced while it was being read`);
          const buffer = Buffer.allocUnsafe(stop - start);
          let done = 0;
          while (done < buffer.length) {
            const { bytesRead } = await handle.read(buffer, done, buffer.length - done, start + done);
            if (bytesRead === 0) throw new Error(`Artifact '${key}' ended before byte ${start + done}`);
            done += bytesRead;
          }
          return buffer;
        } finally {
          await handle.close();
        }
      },
    };
  }

  async exists(key: string): Promise<boolean> {
    try {
      await access(this.resolve(key));
      return true;
    } catch {
      return false;
    }
  }

  async delete(key: string): Promise<void> {
    await unlink(this.resolve(key)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  async deletePrefix(prefix: string): Promise<void> {
    await rm(this.resolve(prefix.replace(/\/+$/, '')), { recursive: true, force: true });
  }

  async list(prefix: string): Promise<string[]> {
    const folder = prefix.replace(/\/+$/, '');
    // The empty prefix lists the whole store (an erasure's proof that nothing is left).
    const base = folder === '' ? this.root : this.resolve(folder);
    try {
      const entries = await readdir(base, { recursive: true, withFileTypes: true });
      return entries
        .filter((entry) => entry.isFile() && !entry.name.endsWith('.partial'))
        .map((entry) => path.relative(this.root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
        .sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async check(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    const probe = path.join(this.root, `.readyz-${randomUUID()}`);
    await writeFile(probe, 'ok');
    await unlink(probe);
  }
}
