/**
 * Ranged reads of a file in the chunked-cipher format: a plaintext range maps to whole
 * records, which are read, authenticated and decrypted on their own, so a reader of a large
 * encrypted file (a Parquet footer, one row group) touches only the records it needs.
 */
import type { ArtifactRanges } from '../artifact-store.ts';
import { checkedRange } from '../artifact-store.ts';
import {
  assertPlain,
  CHUNK_BYTES,
  fileKey,
  isEncrypted,
  MAX_HEADER_BYTES,
  openRecord,
  parseHeader,
  RECORD_BYTES,
  TAG_BYTES,
  type DataKeyLookup,
} from './chunked-cipher.ts';
import { ArtifactTamperedError } from './errors.ts';

/** The plaintext of `inner` by ranges; a file stored in clear passes through. */
export async function decryptedRanges(
  inner: ArtifactRanges,
  lookup: DataKeyLookup,
  where: string,
): Promise<ArtifactRanges> {
  const head = await inner.read(0, Math.min(MAX_HEADER_BYTES, inner.sizeBytes));
  if (!isEncrypted(head)) {
    assertPlain(head, where);
    return inner;
  }
  const parsed = parseHeader(head, where);
  if (!parsed) throw new ArtifactTamperedError(where, 'the header is truncated');
  const header = Buffer.from(parsed.header);
  const salt = header.subarray(header.length - parsed.salt.length);
  const keys = { key: fileKey(await lookup(parsed.keyId), salt), header, salt };
  const stored = inner.sizeBytes - header.length;
  // Every file has at least one record (an empty file's is empty); the last may be short.
  const count = Math.max(1, Math.ceil(stored / RECORD_BYTES));
  const sizeBytes = stored - count * TAG_BYTES;
  if (sizeBytes < 0) throw new ArtifactTamperedError(where, 'the file is truncated');
  return {
    sizeBytes,
    async read(start, end) {
      const stop = checkedRange(sizeBytes, start, end, where);
      if (stop === start) return Buffer.alloc(0);
      const first = Math.floor(start / CHUNK_BYTES);
      const last = Math.floor((stop - 1) / CHUNK_BYTES);
      const from = header.length + first * RECORD_BYTES;
      const bytes = await inner.read(from, Math.min(header.length + (last + 1) * RECORD_BYTES, inner.sizeBytes));
      const plain: Buffer[] = [];
      for (let index = first; index <= last; index++) {
        const offset = (index - first) * RECORD_BYTES;
        const record = bytes.subarray(offset, Math.min(offset + RECORD_BYTES, bytes.length));
        plain.push(openRecord(keys, index, index === count - 1, record, where));
      }
      const all = plain.length === 1 ? plain[0]! : Buffer.concat(plain);
      return all.subarray(start - first * CHUNK_BYTES, stop - first * CHUNK_BYTES);
    },
  };
}
