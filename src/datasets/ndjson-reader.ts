import { InvalidDatasetError } from '../errors.ts';

const LF = 10;

export const NUL_REFUSED = 'the NUL character (U+0000) is not supported in datasets.';

/** Receives each line's object (flat: every value is a string, number, boolean or null) and its line. */
export type NdjsonRecordHandler = (record: Record<string, unknown>, line: number) => void;

/**
 * A streaming NDJSON (JSON Lines) reader over UTF-8 bytes: one JSON object per line, blank
 * lines skipped. Each line must be an object whose values are flat (string, number,
 * boolean, null); a nested object or array is refused with its line and key, because a
 * tabular dataset has no column for it.
 */
export class NdjsonReader {
  /** The number of the next line to complete (1-based). */
  line = 1;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly maxLineBytes: number;

  constructor(
    private readonly onRecord: NdjsonRecordHandler,
    limits: { maxLineBytes?: number } = {},
  ) {
    this.maxLineBytes = limits.maxLineBytes ?? 8 * 1024 * 1024;
  }

  write(chunk: Buffer): void {
    let start = 0;
    let end = chunk.indexOf(LF, start);
    while (end !== -1) {
      if (this.pending.length > 0) {
        this.pending.push(chunk.subarray(start, end));
        this.handleLine(Buffer.concat(this.pending));
        this.pending = [];
        this.pendingBytes = 0;
      } else {
        this.handleLine(chunk.subarray(start, end));
      }
      start = end + 1;
      end = chunk.indexOf(LF, start);
    }
    if (start < chunk.length) {
      // Copied: the caller may reuse its chunk once write() returns.
      this.pending.push(Buffer.from(chunk.subarray(start)));
      this.pendingBytes += chunk.length - start;
      if (this.pendingBytes > this.maxLineBytes) {
        throw new InvalidDatasetError(`Line ${this.line} is longer than ${this.maxLineBytes} bytes.`, {
          line: this.line,
        });
      }
    }
  }

  /** Handles a last line without a trailing newline. */
  end(): void {
    if (this.pending.length > 0) this.handleLine(Buffer.concat(this.pending));
    this.pending = [];
  }

  private handleLine(bytes: Buffer): void {
    const line = this.line++;
    let text = bytes.toString('utf8');
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a UTF-8 BOM
    if (text.trim().length === 0) return;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (error) {
      throw new InvalidDatasetError(`Line ${line} is not valid JSON: ${(error as Error).message}`, { line });
    }
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      const got = record === null ? 'null' : Array.isArray(record) ? 'an array' : `a ${typeof record}`;
      throw new InvalidDatasetError(`Line ${line} is ${got}, not a JSON object.`, { line });
    }
    const object = record as Record<string, unknown>;
    // JSON can spell U+0000 as an escape, which PostgreSQL cannot store in a profile (nor most
    // tools read back); looked for only on lines that spell it, so other lines cost nothing.
    const mayHoldNul = text.includes('\\u0000');
    for (const key in object) {
      const value = object[key];
      if (mayHoldNul && (key.includes('\0') || (typeof value === 'string' && value.includes('\0')))) {
        throw new InvalidDatasetError(`Line ${line}, key '${key.replaceAll('\0', '\\u0000')}': ${NUL_REFUSED}`, {
          line,
        });
      }
      if (value !== null && typeof value === 'object') {
        const what = Array.isArray(value) ? 'an array' : 'a nested object';
        throw new InvalidDatasetError(
          `Line ${line}, key '${key}': ${what} is not a supported value; use flat strings, numbers, booleans or null.`,
          { line, column: key },
        );
      }
    }
    this.onRecord(object, line);
  }
}
