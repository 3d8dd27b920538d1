import { InvalidDatasetError } from '../errors.ts';

/**
 * Checks a byte stream is valid UTF-8 as it passes, with a fatal `TextDecoder` in streaming
 * mode (so a character split across chunks is fine). Only on failure does it rescan the
 * chunk to report the exact byte offset and line of the first bad byte.
 */
export class Utf8Validator {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  /** Bytes checked before the current chunk. */
  private offset = 0;
  private previous: Buffer | undefined;

  /**
   * Throws InvalidDatasetError when `chunk` breaks UTF-8. `lineAtChunkStart` is the
   * physical line the first byte of the chunk is on, used to say where the error is.
   */
  check(chunk: Buffer, lineAtChunkStart: number): void {
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      // The decoder may hold up to 3 bytes of the previous chunk: an error can start there.
      const carried = this.previous === undefined ? 0 : incompleteTailLength(this.previous);
      const bytes =
        carried === 0 ? chunk : Buffer.concat([this.previous!.subarray(this.previous!.length - carried), chunk]);
      const at = firstInvalidByte(bytes) - carried;
      const line = lineAtChunkStart + countLineFeeds(chunk, Math.max(0, at));
      throw invalidUtf8(this.offset + at, line);
    }
    this.offset += chunk.length;
    this.previous = chunk;
  }

  /** Throws when the stream ends in the middle of a multi-byte character. */
  end(line: number): void {
    try {
      this.decoder.decode();
    } catch {
      const carried = this.previous === undefined ? 0 : incompleteTailLength(this.previous);
      throw invalidUtf8(this.offset - carried, line);
    }
  }
}

function invalidUtf8(byteOffset: number, line: number): InvalidDatasetError {
  return new InvalidDatasetError(
    `The body is not valid UTF-8: bad byte sequence at byte offset ${byteOffset} (line ${line}).`,
    { byteOffset, line },
  );
}

function countLineFeeds(bytes: Buffer, end: number): number {
  let count = 0;
  let at = bytes.indexOf(10);
  while (at !== -1 && at < end) {
    count++;
    at = bytes.indexOf(10, at + 1);
  }
  return count;
}

/** Expected length of the sequence a lead byte starts, 0 for a byte that cannot lead. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** How many trailing bytes form the start of a character the next chunk must finish. */
function incompleteTailLength(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!;
    if ((byte & 0xc0) !== 0x80) {
      const length = sequenceLength(byte);
      return length > back ? back : 0;
    }
  }
  return 0;
}

/** Index of the first byte that starts an invalid sequence (per the WHATWG decoder's rules). */
export function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    const length = sequenceLength(lead);
    if (length === 0) return i;
    if (length === 1) {
      i++;
      continue;
    }
    // The second byte's range is narrower after E0, ED, F0 and F4 (overlongs, surrogates, > U+10FFFF).
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined) return i; // truncated at the end
      if (next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return i;
    }
    i += length;
  }
  return bytes.length;
}
