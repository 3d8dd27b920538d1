import { pipeline, Readable } from 'node:stream';
import type { ArtifactRanges, ArtifactStore, WrittenArtifact } from '../artifact-store.ts';
import { createHash } from 'node:crypto';
import {
  DecryptStream,
  EncryptStream,
  decryptBuffer,
  encryptBuffer,
  type DataKey,
  type DataKeyLookup,
} from './chunked-cipher.ts';
import { SERVICE_SCOPE } from './data-keys.ts';
import { decryptedRanges } from './encrypted-ranges.ts';

/** Where the layer gets its data keys: the DataKeyRing over the database in the service. */
export interface DataKeySource {
  forScope(scope: string): Promise<DataKey>;
  keyById(id: string): Promise<Buffer>;
}

/** Keys of a project's artifacts: `datasets/<project>/…`, `models/<project>/…`, `checkpoints/<project>/…`, `prediction-logs/<project>/…`. */
const PROJECT_KEY =
  /^(?:datasets|models|checkpoints|prediction-logs)\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\//;

/** The data key scope of a store key: its project, or the service's for keys under no project. */
export function scopeOfKey(key: string): string {
  return PROJECT_KEY.exec(key)?.[1] ?? SERVICE_SCOPE;
}

const ignore = () => undefined;

/**
 * Buffers up to this size are encrypted whole (their ciphertext is a second copy in memory);
 * larger ones stream through the cipher a record at a time.
 */
const WHOLE_BUFFER_BYTES = 16 * 2 ** 20;

/**
 * Envelope encryption over any artifact store: what is written is encrypted with the data key
 * of the key's project (chunked-cipher.ts), what is read is decrypted and authenticated. Files
 * stored before encryption (no magic) still read as they are, and with `encrypt: false` new
 * files are stored in clear while encrypted ones keep reading. Listing and deletion pass
 * through: keys are not secret, and erasure works on the inner store's objects.
 */
export class EncryptedArtifactStore implements ArtifactStore {
  private readonly lookup: DataKeyLookup;

  constructor(
    readonly inner: ArtifactStore,
    private readonly keys: DataKeySource,
    private readonly opts: { encrypt: boolean } = { encrypt: true },
  ) {
    this.lookup = (id) => keys.keyById(id);
  }

  /** The sha256 and size returned are the plaintext's: what users uploaded, not what is stored. */
  async write(key: string, source: Readable | Uint8Array): Promise<WrittenArtifact> {
    if (!this.opts.encrypt) return this.inner.write(key, source);
    if (!(source instanceof Readable) && source.byteLength <= WHOLE_BUFFER_BYTES) {
      // Sealed at once and handed on whole: a stream passes the inner store three pieces per
      // 64 KiB record, each a write whose callback waits its turn on a busy event loop. A batch
      // job's 830 kB output parts took 65-70 ms each to store that way, 15 ms whole (BENCHMARKS.md, 5a).
      const plaintext = Buffer.from(source.buffer, source.byteOffset, source.byteLength);
      await this.inner.write(key, encryptBuffer(await this.keys.forScope(scopeOfKey(key)), plaintext));
      return { sizeBytes: plaintext.length, sha256: createHash('sha256').update(plaintext).digest('hex') };
    }
    const encrypt = new EncryptStream(this.keys.forScope(scopeOfKey(key)));
    const input =
      source instanceof Readable
        ? source
        : Readable.from([Buffer.from(source.buffer, source.byteOffset, source.byteLength)]);
    // The source's failure reaches the inner store through `encrypt`, which then keeps nothing.
    pipeline(input, encrypt, ignore);
    await this.inner.write(key, encrypt);
    return encrypt.digest();
  }

  async read(key: string): Promise<Buffer> {
    return decryptBuffer(await this.inner.read(key), this.lookup, key);
  }

  createReadStream(key: string): Readable {
    return pipeline(this.inner.createReadStream(key), new DecryptStream(this.lookup, key), ignore);
  }

  async openRanges(key: string): Promise<ArtifactRanges> {
    return decryptedRanges(await this.inner.openRanges(key), this.lookup, key);
  }

  exists(key: string): Promise<boolean> {
    return this.inner.exists(key);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }

  deletePrefix(prefix: string): Promise<void> {
    return this.inner.deletePrefix(prefix);
  }

  list(prefix: string): Promise<string[]> {
    return this.inner.list(prefix);
  }

  check(): Promise<void> {
    return this.inner.check();
  }
}
