import type { Readable } from 'node:stream';

/**
 * Random access to one stored object, for formats read from their end (Parquet keeps its
 * schema and row group index in a footer). Obtained from ArtifactStore.openRanges.
 */
export interface ArtifactRanges {
  /** The object's size in bytes: what was written, whatever the store keeps underneath. */
  readonly sizeBytes: number;
  /** Bytes [start, end) of the object, `end` clamped to its size; throws on a range past its start. */
  read(start: number, end: number): Promise<Buffer>;
}

/** Checks a requested range against an object's size; returns the clamped end. */
export function checkedRange(sizeBytes: number, start: number, end: number, key: string): number {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || start > sizeBytes)
    throw new RangeError(`Range [${start}, ${end}) is outside artifact '${key}' (${sizeBytes} bytes)`);
  return Math.min(end, sizeBytes);
}

export interface WrittenArtifact {
  sizeBytes: number;
  /** Hex sha256 of the bytes written. */
  sha256: string;
}

/**
 * Where dataset files and model artifacts live. Keys are slash-separated relative names
 * (`datasets/<project>/<id>.csv`); implementations refuse keys that could escape their root.
 * The local directory store is the default; `S3ArtifactStore` keeps them in a bucket.
 */
export interface ArtifactStore {
  /** Writes atomically: the key becomes visible only once every byte is stored. */
  write(key: string, source: Readable | Uint8Array): Promise<WrittenArtifact>;
  read(key: string): Promise<Buffer>;
  createReadStream(key: string): Readable;
  /**
   * Opens the object for ranged reads. Whole-object digests cannot be checked on a range:
   * each range is read from the object as it was when opened (a replaced object fails its
   * next read), and under encryption every record read is authenticated.
   */
  openRanges(key: string): Promise<ArtifactRanges>;
  exists(key: string): Promise<boolean>;
  /** Removes one object; a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Removes every object under `prefix` (a "folder"). */
  deletePrefix(prefix: string): Promise<void>;
  /** Keys under `prefix`, recursively; `''` lists the whole store. */
  list(prefix: string): Promise<string[]>;
  /** Throws when the store cannot be written (readiness probe). */
  check(): Promise<void>;
}

const SAFE_KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

/** Refuses a key that could leave a store's root (`..`, absolute paths) or name odd objects. */
export function assertSafeKey(key: string): void {
  if (!SAFE_KEY.test(key) || key.split('/').some((part) => part === '..' || part === '.')) {
    throw new Error(`Refusing unsafe artifact key '${key}'`);
  }
}
