/**
 * The encrypted file format: a header, then the plaintext in 64 KiB records, each sealed with
 * AES-256-GCM on its own, so a file of any size streams through a fixed amount of memory and
 * every record is authenticated before a byte of it is handed on.
 *
 *   header  = magic (8) | format version (1) | key id length (1) | data key id | salt (16)
 *   record  = ciphertext (CHUNK_BYTES, the last one 0..CHUNK_BYTES) | GCM tag (16)
 *
 * Each file encrypts under its own key, HKDF(data key, salt), so the nonces (salt prefix +
 * record counter) never repeat under one key however many files a project holds. A record's
 * additional data is the header, its index and whether it is the last one: a record moved,
 * dropped, swapped with another file's, or a file cut at a record boundary fails to open.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ArtifactTamperedError } from './errors.ts';

/** First bytes of every encrypted file; the leading 0x89 keeps it from any text (CSV, JSON) file's start. */
export const MAGIC = Buffer.from([0x89, 0x4d, 0x41, 0x41, 0x53, 0x45, 0x4e, 0x43]); // \x89MAASENC
export const FORMAT_VERSION = 1;
export const CHUNK_BYTES = 64 * 1024;
export const TAG_BYTES = 16;
const SALT_BYTES = 16;
export const RECORD_BYTES = CHUNK_BYTES + TAG_BYTES;
/** The longest header: magic, version, id length, a 255-byte key id, salt. */
export const MAX_HEADER_BYTES = MAGIC.length + 2 + 255 + SALT_BYTES;

export interface DataKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

export function isEncrypted(head: Buffer): boolean {
  return head.length >= MAGIC.length && head.subarray(0, MAGIC.length).equals(MAGIC);
}

/**
 * A magic with a byte or two damaged: no file stored in clear starts like this, so it is an
 * encrypted file whose start was altered, and passing its ciphertext on as plaintext would be
 * the silently wrong answer this format exists to prevent.
 */
function isDamagedMagic(head: Buffer): boolean {
  if (head.length < MAGIC.length) return false;
  let same = 0;
  for (let i = 0; i < MAGIC.length; i++) if (head[i] === MAGIC[i]) same++;
  return same >= MAGIC.length - 2;
}

/** Whether bytes without the magic are a file stored in clear (else: a damaged encrypted one). */
export function assertPlain(head: Buffer, where: string): void {
  if (isDamagedMagic(head)) throw new ArtifactTamperedError(where, 'the encryption header is altered');
}

export function fileKey(dataKey: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, salt, 'maas artifact record key', 32));
}

/** Per record: 8 bytes of the salt, then the record's index, so a file's nonces are all distinct. */
function nonce(salt: Buffer, index: number): Buffer {
  const iv = Buffer.allocUnsafe(12);
  salt.copy(iv, 0, 0, 8);
  iv.writeUInt32BE(index, 8);
  return iv;
}

function recordAad(header: Buffer, index: number, last: boolean): Buffer {
  const aad = Buffer.allocUnsafe(header.length + 5);
  header.copy(aad);
  aad.writeUInt32BE(index, header.length);
  aad[header.length + 4] = last ? 1 : 0;
  return aad;
}

function buildHeader(keyId: string, salt: Buffer): Buffer {
  const id = Buffer.from(keyId, 'utf8');
  if (id.length > 255) throw new Error('A data key id must fit in 255 bytes');
  return Buffer.concat([MAGIC, Buffer.from([FORMAT_VERSION, id.length]), id, salt]);
}

/** Parses a header at the start of `bytes`: undefined while more bytes are needed. */
export function parseHeader(bytes: Buffer, where: string): { header: Buffer; keyId: string; salt: Buffer } | undefined {
  if (bytes.length < MAGIC.length + 2) return undefined;
  if (bytes[MAGIC.length] !== FORMAT_VERSION) {
    throw new ArtifactTamperedError(where, `unknown encryption format version ${bytes[MAGIC.length]}`);
  }
  const idLength = bytes[MAGIC.length + 1]!;
  const end = MAGIC.length + 2 + idLength + SALT_BYTES;
  if (bytes.length < end) return undefined;
  const header = bytes.subarray(0, end);
  const keyId = header.subarray(MAGIC.length + 2, MAGIC.length + 2 + idLength).toString('utf8');
  return { header, keyId, salt: header.subarray(end - SALT_BYTES) };
}

/** One record sealed: its ciphertext and tag, in pieces (the empty ones left out). */
function sealRecord(
  key: Buffer,
  salt: Buffer,
  header: Buffer,
  index: number,
  last: boolean,
  plaintext: Buffer,
): Buffer[] {
  const cipher = createCipheriv('aes-256-gcm', key, nonce(salt, index));
  cipher.setAAD(recordAad(header, index, last));
  const pieces = [cipher.update(plaintext), cipher.final(), cipher.getAuthTag()];
  return pieces.filter((piece) => piece.length > 0);
}

/**
 * A whole plaintext encrypted at once: the file EncryptStream would write, as one buffer, for a
 * store that writes it in one call instead of a record at a time.
 */
export function encryptBuffer(dataKey: DataKey, plaintext: Buffer): Buffer {
  const salt = randomBytes(SALT_BYTES);
  const header = buildHeader(dataKey.id, salt);
  const key = fileKey(dataKey.key, salt);
  // As the stream seals them: full records, and always a last one (empty for an empty file).
  const records = Math.max(1, Math.ceil(plaintext.length / CHUNK_BYTES));
  const pieces = [header];
  for (let index = 0; index < records; index++) {
    const start = index * CHUNK_BYTES;
    const record = plaintext.subarray(start, Math.min(start + CHUNK_BYTES, plaintext.length));
    pieces.push(...sealRecord(key, salt, header, index, index === records - 1, record));
  }
  return Buffer.concat(pieces);
}

/**
 * Encrypts a stream. `digest()` afterwards gives the plaintext's size and sha256, which is what
 * the service records (a dataset's sha256 is the user's file's, not the stored bytes').
 */
export class EncryptStream extends Transform {
  private header?: Buffer;
  private key?: Buffer;
  private salt?: Buffer;
  private readonly dataKey: Promise<DataKey>;
  private readonly hash: Hash = createHash('sha256');
  private sizeBytes = 0;
  private index = 0;
  /** Plaintext not sealed yet: the record is sealed once it is known whether another follows. */
  private pending = Buffer.allocUnsafe(CHUNK_BYTES);
  private pendingBytes = 0;

  /** The key may still be on its way (created on a project's first file): the stream waits for it. */
  constructor(dataKey: DataKey | Promise<DataKey>) {
    super();
    this.dataKey = Promise.resolve(dataKey);
    this.dataKey.catch(() => undefined); // awaited by the first write or the flush
  }

  private async start(): Promise<void> {
    const dataKey = await this.dataKey;
    this.salt = randomBytes(SALT_BYTES);
    this.header = buildHeader(dataKey.id, this.salt);
    this.key = fileKey(dataKey.key, this.salt);
    this.push(this.header);
  }

  digest(): { sizeBytes: number; sha256: string } {
    return { sizeBytes: this.sizeBytes, sha256: this.hash.digest('hex') };
  }

  private seal(plaintext: Buffer, last: boolean): void {
    for (const part of sealRecord(this.key!, this.salt!, this.header!, this.index, last, plaintext)) this.push(part);
    this.index++;
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.header) {
      this.start().then(() => this._transform(chunk, encoding, callback), callback);
      return;
    }
    this.hash.update(chunk);
    this.sizeBytes += chunk.length;
    let offset = 0;
    // A full pending record followed by more bytes is not the last one.
    if (this.pendingBytes === CHUNK_BYTES && chunk.length > 0) {
      this.seal(this.pending, false);
      this.pending = Buffer.allocUnsafe(CHUNK_BYTES);
      this.pendingBytes = 0;
    }
    if (this.pendingBytes > 0) {
      const take = Math.min(CHUNK_BYTES - this.pendingBytes, chunk.length);
      chunk.copy(this.pending, this.pendingBytes, 0, take);
      this.pendingBytes += take;
      offset = take;
      if (this.pendingBytes === CHUNK_BYTES && offset < chunk.length) {
        this.seal(this.pending, false);
        this.pending = Buffer.allocUnsafe(CHUNK_BYTES);
        this.pendingBytes = 0;
      }
    }
    // Whole records straight from the input, without copying, while more bytes follow them.
    while (chunk.length - offset > CHUNK_BYTES) {
      this.seal(chunk.subarray(offset, offset + CHUNK_BYTES), false);
      offset += CHUNK_BYTES;
    }
    if (offset < chunk.length) {
      chunk.copy(this.pending, this.pendingBytes, offset);
      this.pendingBytes += chunk.length - offset;
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (!this.header) {
      this.start().then(() => this._flush(callback), callback);
      return;
    }
    // An empty file still gets its one (empty) last record: a file cut after the header fails.
    this.seal(this.pending.subarray(0, this.pendingBytes), true);
    callback();
  }
}

/** Looks up a data key by the id a file's header names. */
export type DataKeyLookup = (keyId: string) => Promise<Buffer>;

/**
 * Decrypts a stream written by EncryptStream; a stream without the magic (a file stored before
 * encryption was turned on) passes through unchanged. Plaintext is pushed only once its
 * record's tag has been checked; any failure is an ArtifactTamperedError.
 */
export class DecryptStream extends Transform {
  private state: 'start' | 'plain' | 'header' | 'records' = 'start';
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private header?: Buffer;
  private salt?: Buffer;
  private key?: Buffer;
  private index = 0;

  constructor(
    private readonly lookup: DataKeyLookup,
    private readonly where: string,
  ) {
    super();
  }

  private takeBuffered(): Buffer {
    const all = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered, this.bufferedBytes);
    this.buffered = [];
    this.bufferedBytes = 0;
    return all;
  }

  private hold(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.buffered.push(bytes);
    this.bufferedBytes += bytes.length;
  }

  private open(record: Buffer, last: boolean): void {
    if (record.length < TAG_BYTES) throw new ArtifactTamperedError(this.where, 'the file is truncated');
    const decipher = createDecipheriv('aes-256-gcm', this.key!, nonce(this.salt!, this.index));
    decipher.setAAD(recordAad(this.header!, this.index, last));
    decipher.setAuthTag(record.subarray(record.length - TAG_BYTES));
    const plain = decipher.update(record.subarray(0, record.length - TAG_BYTES));
    try {
      decipher.final();
    } catch {
      throw new ArtifactTamperedError(
        this.where,
        `record ${this.index} failed authentication (altered, reordered or truncated)`,
      );
    }
    this.index++;
    if (plain.length) this.push(plain);
  }

  /** Opens every record known not to be the last: those with more bytes after them. */
  private drain(): void {
    if (this.bufferedBytes <= RECORD_BYTES) return;
    let bytes = this.takeBuffered();
    let offset = 0;
    while (bytes.length - offset > RECORD_BYTES) {
      this.open(bytes.subarray(offset, offset + RECORD_BYTES), false);
      offset += RECORD_BYTES;
    }
    bytes = bytes.subarray(offset);
    this.hold(bytes);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.state === 'plain') return callback(null, chunk);
    this.hold(chunk);
    if (this.state === 'start') {
      if (this.bufferedBytes < MAGIC.length) return callback();
      const head = this.takeBuffered();
      if (!isEncrypted(head)) {
        try {
          assertPlain(head, this.where);
        } catch (error) {
          return callback(error as Error);
        }
        this.state = 'plain';
        return callback(null, head);
      }
      this.hold(head);
      this.state = 'header';
    }
    if (this.state === 'header') return this.readHeader(callback);
    try {
      this.drain();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private readHeader(callback: TransformCallback): void {
    const bytes = this.takeBuffered();
    let parsed;
    try {
      parsed = parseHeader(bytes, this.where);
    } catch (error) {
      return callback(error as Error);
    }
    if (!parsed) {
      this.hold(bytes);
      return callback();
    }
    // Copies of the small parts, so the first read's buffer is not held for the whole stream.
    this.header = Buffer.from(parsed.header);
    this.salt = this.header.subarray(this.header.length - SALT_BYTES);
    const rest = bytes.subarray(parsed.header.length);
    this.lookup(parsed.keyId).then(
      (dataKey) => {
        this.key = fileKey(dataKey, this.salt!);
        this.state = 'records';
        this.hold(rest);
        try {
          this.drain();
          callback();
        } catch (error) {
          callback(error as Error);
        }
      },
      (error: unknown) => callback(error as Error),
    );
  }

  override _flush(callback: TransformCallback): void {
    if (this.state === 'start' || this.state === 'plain') {
      if (this.bufferedBytes) this.push(this.takeBuffered());
      return callback();
    }
    if (this.state === 'header') return callback(new ArtifactTamperedError(this.where, 'the header is truncated'));
    try {
      this.open(this.takeBuffered(), true);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }
}

/** DecryptStream's work on bytes already in memory (a model's weights), without a stream. */
export async function decryptBuffer(bytes: Buffer, lookup: DataKeyLookup, where: string): Promise<Buffer> {
  if (!isEncrypted(bytes)) {
    assertPlain(bytes, where);
    return bytes;
  }
  const parsed = parseHeader(bytes, where);
  if (!parsed) throw new ArtifactTamperedError(where, 'the header is truncated');
  const key = fileKey(await lookup(parsed.keyId), parsed.salt);
  const records = bytes.length - parsed.header.length;
  const count = Math.max(1, Math.ceil(records / RECORD_BYTES));
  const plain = Buffer.allocUnsafe(Math.max(0, records - count * TAG_BYTES));
  let written = 0;
  for (let index = 0; index < count; index++) {
    const start = parsed.header.length + index * RECORD_BYTES;
    const record = bytes.subarray(start, Math.min(start + RECORD_BYTES, bytes.length));
    const body = openRecord(
      { key, header: parsed.header, salt: parsed.salt },
      index,
      index === count - 1,
      record,
      where,
    );
    written += body.copy(plain, written);
  }
  return plain;
}

/** What opening a file's records takes: its header, salt and file key. */
export interface RecordKeys {
  key: Buffer;
  header: Buffer;
  salt: Buffer;
}

/** Authenticates and decrypts record `index` of a file (ranged reads open records one by one). */
export function openRecord(keys: RecordKeys, index: number, last: boolean, record: Buffer, where: string): Buffer {
  if (record.length < TAG_BYTES) throw new ArtifactTamperedError(where, 'the file is truncated');
  const decipher = createDecipheriv('aes-256-gcm', keys.key, nonce(keys.salt, index));
  decipher.setAAD(recordAad(keys.header, index, last));
  decipher.setAuthTag(record.subarray(record.length - TAG_BYTES));
  const body = decipher.update(record.subarray(0, record.length - TAG_BYTES));
  try {
    decipher.final();
  } catch {
    throw new ArtifactTamperedError(where, `record ${index} failed authentication (altered, reordered or truncated)`);
  }
  return body;
}
