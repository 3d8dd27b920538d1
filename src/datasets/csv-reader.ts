import { InvalidDatasetError } from '../errors.ts';
import { NUL_REFUSED } from './ndjson-reader.ts';

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** Inside a quoted field, just after a quote: either an escaped `""` or the closing quote. */
const QUOTE_IN_QUOTED = 3;

interface BufferSlicers {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

/** Receives each record's fields (the array is reused: copy what you keep) and its first line. */
export type CsvRecordHandler = (fields: string[], line: number) => void;

/**
 * Offered each non-empty ASCII field without `""` escapes as bytes (`column` is its index in the
 * record) before a string is made of it. Returning true means the field was fully handled: it
 * then appears in the record as `''`. Lets a consumer read numbers straight from the bytes.
 */
export type CsvRawFieldHandler = (column: number, bytes: Buffer, start: number, end: number) => boolean;

export interface CsvReaderLimits {
  /** Longest field, in bytes, that may span chunks (guards an unbalanced quote eating the file). */
  maxFieldBytes?: number;
  maxFields?: number;
  /** See CsvRawFieldHandler. */
  rawField?: CsvRawFieldHandler;
}

/**
 * A streaming RFC 4180 CSV parser over UTF-8 bytes: comma-separated, `"`-quoted fields with
 * `""` escapes and embedded newlines, LF, CRLF or CR record ends, a leading BOM skipped,
 * blank lines skipped. A quote inside an unquoted field is kept as a literal character.
 *
 * Written by hand rather than with csv-parse because csv-parse measured 7-13 MB/s here
 * (its per-record info objects dominate), far below the ingest target. Fields are sliced
 * straight out of each chunk; only a field cut by a chunk boundary is copied.
 */
export class CsvReader {
  /** The physical line (1-based) the parser is on: the count of line ends seen, plus one. */
  line = 1;
  private readonly fields: string[] = [];
  private state = FIELD_START;
  private recordLine = 1;
  private pending: Buffer | undefined;
  private escaped = false;
  private nonAscii = false;
  private skipLineFeed = false;
  private head: Buffer | undefined = Buffer.alloc(0);
  private readonly maxFieldBytes: number;
  private readonly maxFields: number;
  private readonly rawField: CsvRawFieldHandler | undefined;

  constructor(
    private readonly onRecord: CsvRecordHandler,
    limits: CsvReaderLimits = {},
  ) {
    this.maxFieldBytes = limits.maxFieldBytes ?? 8 * 1024 * 1024;
    this.maxFields = limits.maxFields ?? 10_000;
    this.rawField = limits.rawField;
  }

  /** Parses one chunk; records completed by it are handed over before this returns. */
  write(chunk: Buffer): void {
    let buf = chunk;
    if (this.head !== undefined) {
      // Hold the first bytes back until we know whether they are a UTF-8 BOM.
      buf = this.head.length === 0 ? chunk : Buffer.concat([this.head, chunk]);
      if (buf.length < 3) {
        this.head = Buffer.from(buf);
        return;
      }
      this.head = undefined;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    // A NUL byte is U+0000 in UTF-8: binary data sent as CSV, which a profile cannot hold.
    // One memchr per chunk; the line is counted only when one is found.
    const nul = buf.indexOf(0);
    if (nul !== -1) {
      let line = this.line;
      for (let at = buf.indexOf(LF); at !== -1 && at < nul; at = buf.indexOf(LF, at + 1)) line++;
      throw new InvalidDatasetError(`Line ${line}: ${NUL_REFUSED}`, { line });
    }
    this.parse(buf);
  }

  /** Flushes the last record; throws when the input ends inside a quoted field. */
  end(): void {
    if (this.head !== undefined && this.head.length > 0) {
      const head = this.head;
      this.head = undefined;
      this.parse(head);
    }
    const state = this.state;
    if (state === QUOTED) {
      throw new InvalidDatasetError(
        `Line ${this.recordLine}: a quoted field is never closed (the file ends inside it).`,
        { line: this.recordLine },
      );
    }
    if (state === UNQUOTED || state === QUOTE_IN_QUOTED) {
      this.emitField(Buffer.alloc(0), 0, 0, state === QUOTE_IN_QUOTED);
      this.emitRecord();
    } else if (this.fields.length > 0) {
      this.fields.push('');
      this.emitRecord();
    }
  }

  private parse(buf: Buffer): void {
    const n = buf.length;
    let i = 0;
    let start = 0;
    let state = this.state;
    let b = 0;
    while (i < n) {
      if (state === FIELD_START) {
        b = buf[i]!;
        if (this.fields.length === 0) {
          if (b === LF || b === CR) {
            // A blank line, or the LF of a CRLF whose CR already ended the record.
            if (b === CR || !this.skipLineFeed) this.line++;
            this.skipLineFeed = b === CR;
            i++;
            continue;
          }
          this.skipLineFeed = false;
          this.recordLine = this.line;
        }
        if (b === QUOTE) {
          state = QUOTED;
          start = ++i;
          continue;
        }
        if (b === COMMA || b === LF || b === CR) {
          this.fields.push('');
          i++;
          if (b !== COMMA) this.endRecord(b);
          continue;
        }
        state = UNQUOTED;
        start = i;
      }
      if (state === UNQUOTED) {
        let nonAscii = this.nonAscii;
        while (i < n) {
          b = buf[i]!;
          if (b === COMMA || b === LF || b === CR) break;
          if (b >= 0x80) nonAscii = true;
          i++;
        }
        this.nonAscii = nonAscii;
        if (i === n) break;
        this.emitField(buf, start, i, false);
        i++;
        state = FIELD_START;
        if (b !== COMMA) this.endRecord(b);
        continue;
      }
      if (state === QUOTED) {
        let nonAscii = this.nonAscii;
        while (i < n) {
          b = buf[i]!;
          if (b === QUOTE) break;
          if (b === LF) this.line++;
          else if (b >= 0x80) nonAscii = true;
          i++;
        }
        this.nonAscii = nonAscii;
        if (i === n) break;
        i++;
        state = QUOTE_IN_QUOTED;
        continue;
      }
      // QUOTE_IN_QUOTED
      b = buf[i]!;
      if (b === QUOTE) {
        this.escaped = true;
        state = QUOTED;
        i++;
        continue;
      }
      if (b !== COMMA && b !== LF && b !== CR) {
        throw new InvalidDatasetError(
          `Line ${this.line}: unexpected character after the closing quote of a quoted field ` +
            '(a quote inside a quoted field must be doubled).',
          { line: this.line },
        );
      }
      this.emitField(buf, start, i, true);
      i++;
      state = FIELD_START;
      if (b !== COMMA) this.endRecord(b);
    }
    this.state = state;
    if (state !== FIELD_START) this.keepPending(buf, start);
  }

  /** Keeps the bytes of a field cut by the chunk boundary. */
  private keepPending(buf: Buffer, start: number): void {
    const tail = buf.subarray(start);
    this.pending = this.pending === undefined ? Buffer.from(tail) : Buffer.concat([this.pending, tail]);
    if (this.pending.length > this.maxFieldBytes) {
      throw new InvalidDatasetError(
        `Line ${this.recordLine}: a field is longer than ${this.maxFieldBytes} bytes (is a quote left open?).`,
        { line: this.recordLine },
      );
    }
  }

  private emitField(buf: Buffer, start: number, end: number, closedByQuote: boolean): void {
    let bytes = buf;
    let from = start;
    let to = end;
    if (this.pending !== undefined) {
      bytes = Buffer.concat([this.pending, buf.subarray(start, end)]);
      from = 0;
      to = bytes.length;
      this.pending = undefined;
    }
    if (closedByQuote) to -= 1;
    // The slice methods behind Buffer#toString, called directly: toString's encoding lookup
    // showed up as ~10% of parsing. ASCII fields take the cheaper one-byte-string path.
    let value = '';
    const rawField = this.rawField;
    // Making a string of every cell was a large share of ingest time; numeric cells need none.
    if (
      rawField === undefined ||
      this.escaped ||
      this.nonAscii ||
      to === from ||
      !rawField(this.fields.length, bytes, from, to)
    ) {
      const slicer = bytes as unknown as BufferSlicers;
      value = this.nonAscii ? slicer.utf8Slice(from, to) : slicer.latin1Slice(from, to);
      if (this.escaped) value = value.replaceAll('""', '"');
    }
    this.escaped = false;
    this.nonAscii = false;
    this.fields.push(value);
    if (this.fields.length > this.maxFields) {
      throw new InvalidDatasetError(`Line ${this.recordLine}: more than ${this.maxFields} fields in one record.`, {
        line: this.recordLine,
      });
    }
  }

  private endRecord(delimiter: number): void {
    this.line++;
    this.skipLineFeed = delimiter === CR;
    this.emitRecord();
  }

  private emitRecord(): void {
    this.onRecord(this.fields, this.recordLine);
    this.fields.length = 0;
  }
}
