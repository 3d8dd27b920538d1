import { pipeline, Readable } from 'node:stream';
import type { ArtifactRanges, ArtifactStore, WrittenArtifact } from '../artifact-store.ts';
import { DecryptStream, EncryptStream, decryptBuffer, type DataKey, type DataKeyLookup } from './chunked-cipher.ts';
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
