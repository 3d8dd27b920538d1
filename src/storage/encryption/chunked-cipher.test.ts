import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  CHUNK_BYTES,
  DecryptStream,
  EncryptStream,
  MAGIC,
  decryptBuffer,
  encryptBuffer,
  type DataKey,
} from './chunked-cipher.ts';
import { ArtifactTamperedError } from './errors.ts';

const dataKey: DataKey = { id: '5b0c8f55-1d7e-4c43-9d55-0e4bd1c0a001', key: randomBytes(32) };
const lookup = async (id: string) => {
  if (id !== dataKey.id) throw new Error(`unknown key ${id}`);
  return dataKey.key;
};

/** Feeds `plain` in pieces of `piece` bytes, as a socket or a file stream would. */
async function encrypt(plain: Buffer, piece = 7_919): Promise<{ sealed: Buffer; sizeBytes: number; sha256: string }> {
  const pieces = Array.from({ length: Math.ceil(plain.length / piece) }, (_, i) =>
    plain.subarray(i * piece, (i + 1) * piece),
  );
  const stream = new EncryptStream(Promise.resolve(dataKey));
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  await pipeline(Readable.from(pieces), stream);
  return { sealed: Buffer.concat(chunks), ...stream.digest() };
}

const decryptStreamed = (sealed: Buffer, piece = 5_003) =>
  buffer(
    Readable.from(
      Array.from({ length: Math.ceil(sealed.length / piece) }, (_, i) => sealed.subarray(i * piece, (i + 1) * piece)),
    ).pipe(new DecryptStream(lookup, 'k')),
  );

const HEADER = MAGIC.length + 2 + dataKey.id.length + 16;
const RECORD = CHUNK_BYTES + 16;

describe('chunked AES-256-GCM', () => {
  const sizes = [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES, 5 * 1024 * 1024 + 17];
  it.each(sizes)('round-trips %i bytes streamed and in memory, reporting the plaintext digest', async (size) => {
    const plain = randomBytes(size);
    const { sealed, sizeBytes, sha256 } = await encrypt(plain);
    expect(sizeBytes).toBe(size);
    expect(sha256).toBe((await import('node:crypto')).createHash('sha256').update(plain).digest('hex'));
    expect(sealed.subarray(0, MAGIC.length)).toEqual(MAGIC);
    expect(sealed.length).toBe(HEADER + size + 16 * Math.max(1, Math.ceil(size / CHUNK_BYTES)));
    expect((await decryptStreamed(sealed)).equals(plain)).toBe(true);
    expect((await decryptStreamed(sealed, RECORD)).equals(plain)).toBe(true);
    expect((await decryptBuffer(sealed, lookup, 'k')).equals(plain)).toBe(true);
  });

  it.each(sizes)('encrypts %i bytes at once into the file the stream writes', async (size) => {
    const plain = randomBytes(size);
    const sealed = encryptBuffer(dataKey, plain);
    expect(sealed.subarray(0, MAGIC.length)).toEqual(MAGIC);
    expect(sealed.length).toBe((await encrypt(plain)).sealed.length);
    expect((await decryptStreamed(sealed)).equals(plain)).toBe(true);
    expect((await decryptBuffer(sealed, lookup, 'k')).equals(plain)).toBe(true);
    // Its last record says so: cut after any earlier record, the file fails to open.
    if (size > CHUNK_BYTES)
      await expect(decryptBuffer(sealed.subarray(0, HEADER + RECORD), lookup, 'k')).rejects.toThrow(
        ArtifactTamperedError,
      );
  });

  it('gives the same bytes however the input is cut', async () => {
    const plain = randomBytes(2 * CHUNK_BYTES + 5);
    for (const piece of [1_000, CHUNK_BYTES, CHUNK_BYTES + 1, 10 * CHUNK_BYTES]) {
      const { sealed } = await encrypt(plain, piece);
      expect((await decryptBuffer(sealed, lookup, 'k')).equals(plain)).toBe(true);
    }
  });

  it('never stores the plaintext, and two files of the same bytes differ', async () => {
    const plain = Buffer.from('age,income,label\n'.repeat(2_000));
    const [a, b] = [await encrypt(plain), await encrypt(plain)];
    expect(a.sealed.includes(Buffer.from('age,income'))).toBe(false);
    expect(a.sealed.equals(b.sealed)).toBe(false);
  });

  it('passes files without the magic (stored before encryption) through unchanged', async () => {
    for (const plain of [Buffer.alloc(0), Buffer.from('a,b'), Buffer.from('x,y\n1,2\n'.repeat(20_000))]) {
      expect((await decryptStreamed(plain, plain.length < 100 ? 3 : 4_096)).equals(plain)).toBe(true);
      expect((await decryptBuffer(plain, lookup, 'k')).equals(plain)).toBe(true);
    }
  });

  describe('detects tampering, streamed and in memory', async () => {
    const plain = randomBytes(3 * CHUNK_BYTES + 100);
    const { sealed } = await encrypt(plain);
    const record = (i: number) => sealed.subarray(HEADER + i * RECORD, HEADER + (i + 1) * RECORD);
    const flipped = (offset: number) => {
      const copy = Buffer.from(sealed);
      copy[offset]! ^= 0x01;
      return copy;
    };
    const cases: [string, Buffer][] = [
      ['a flipped ciphertext byte', flipped(HEADER + RECORD + 10)],
      ['a flipped tag byte', flipped(HEADER + RECORD - 1)],
      ['a flipped salt byte in the header', flipped(HEADER - 1)],
      ['a flipped magic byte', flipped(3)],
      ['a cut at a record boundary', sealed.subarray(0, HEADER + 2 * RECORD)],
      ['the last record dropped', sealed.subarray(0, HEADER + 3 * RECORD)],
      ['a cut inside a record', sealed.subarray(0, HEADER + RECORD + 100)],
      ['a cut inside the header', sealed.subarray(0, HEADER - 3)],
      ['a file of the header only', sealed.subarray(0, HEADER)],
      [
        'two records swapped',
        Buffer.concat([sealed.subarray(0, HEADER), record(1), record(0), sealed.subarray(HEADER + 2 * RECORD)]),
      ],
      [
        'a record repeated',
        Buffer.concat([sealed.subarray(0, HEADER + RECORD), record(0), sealed.subarray(HEADER + RECORD)]),
      ],
    ];
    it.each(cases)('%s', async (_name, damaged) => {
      await expect(decryptStreamed(damaged)).rejects.toBeInstanceOf(ArtifactTamperedError);
      await expect(decryptBuffer(damaged, lookup, 'k')).rejects.toMatchObject({ code: 'artifact_integrity_failed' });
    });

    it('a record from another file of the same key', async () => {
      const other = (await encrypt(randomBytes(plain.length))).sealed;
      const mixed = Buffer.concat([
        sealed.subarray(0, HEADER + RECORD),
        other.subarray(HEADER + RECORD, HEADER + 2 * RECORD),
        sealed.subarray(HEADER + 2 * RECORD),
      ]);
      await expect(decryptBuffer(mixed, lookup, 'k')).rejects.toBeInstanceOf(ArtifactTamperedError);
    });

    it('an altered key id: the key it names is looked up and not found', async () => {
      const copy = Buffer.from(sealed);
      copy[MAGIC.length + 4]! ^= 0x01;
      await expect(decryptStreamed(copy)).rejects.toThrow(/unknown key/);
      await expect(decryptBuffer(copy, lookup, 'k')).rejects.toThrow(/unknown key/);
    });

    it('an unknown format version', async () => {
      const copy = Buffer.from(sealed);
      copy[MAGIC.length] = 9;
      await expect(decryptStreamed(copy)).rejects.toThrow(/format version 9/);
    });
  });
});
