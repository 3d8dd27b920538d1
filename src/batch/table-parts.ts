/**
 * The CSV input of a tabular model read straight into the model's input matrix, a part at a
 * time: no object per row, no string per numeric cell. Each record's cells are typed and
 * encoded as the per-row path (batch-input.ts, then batch-scorer.ts) would type and encode them,
 * with the same functions (cellTyper, checkValue, writeEncoded), into one row-major Float32Array
 * per part. Numeric literals that Clinger's fast path reads exactly are parsed from the bytes
 * (numericKindBytes, as ingest does); any other cell is made a string and typed like the
 * per-row path types it. A record this path does not take (a wrong number of fields, a cell
 * encoding refuses, a number that overflows float32 once scaled) is handed over as an InputRow
 * for the per-row path, which scores it or names its error exactly as before.
 */
import type { Readable } from 'node:stream';
import { CsvReader } from '../datasets/csv-reader.ts';
import { DECIMAL_LITERAL, INTEGER_LITERAL, numericKindBytes } from '../datasets/value-literals.ts';
import { writeEncoded } from '../preprocessing/feature-encoding.ts';
import { checkValue } from '../preprocessing/instance-encoding.ts';
import type { PreprocessingState } from '../preprocessing/preprocessing-state.ts';
import { keyedByUser } from '../user-keys.ts';
import type { InputRow } from './batch-input.ts';
import { cellTyper } from './cell-types.ts';

export interface TablePart {
  /** The number (1-based) of the part's first row; its rows are consecutive. */
  first: number;
  /** Input rows in the part. */
  rows: number;
  /** Rows encoded into `matrix` (row-major, the state's width each), in input order. */
  encoded: number;
  matrix: Float32Array;
  /** Passthrough cells of the encoded rows: `passthrough[column][encoded row]`. */
  passthrough: (string | undefined)[][];
  /** The other rows with their place in the part (ascending): the per-row path takes them. */
  others: { at: number; row: InputRow }[];
}

export interface TablePartOptions {
  skipRows: number;
  partRows: number;
  passthrough: readonly string[];
  onHeader?: (columns: string[]) => void;
  /** Matrices of parts done with (any content): a new part takes one of these, zeroed, before allocating. */
  spareMatrices?: Float32Array[];
}

/**
 * Bytes parsed before the event loop gets a turn. Parsing is this thread's longest stretch of
 * work (about 15 ms a MiB), and the parts scored before it wait on callbacks only this thread
 * runs: each step of storing a part (the file's open, write, close and rename, the record's
 * update) waited for the chunk being parsed to end. Fed the store's 1 MiB reads whole, a
 * 1,000,000-row job's parts took about 50 ms each to store, and scoring waited for them for
 * about a quarter of the job (BENCHMARKS.md, 5a).
 */
const PARSE_SLICE_BYTES = 64 * 1024;

const NUMERIC = 1;
const UNREAD = 2;

/** Yields the parts after the first `skipRows` rows, `partRows` rows each (the last may be shorter). */
export async function* readTableParts(
  source: Readable,
  state: PreprocessingState,
  opts: TablePartOptions,
): AsyncGenerator<TablePart> {
  const { width, features } = state;
  const typers = features.map((encoder) =>
    cellTyper(encoder.kind === 'numeric' ? encoder.type : encoder.kind === 'boolean' ? 'boolean' : 'categorical'),
  );
  const ready: TablePart[] = [];
  const matrixOf = (): Float32Array => {
    const spare = opts.spareMatrices?.pop();
    return spare?.length === opts.partRows * width ? spare.fill(0) : new Float32Array(opts.partRows * width);
  };
  const newPart = (): TablePart => ({
    first: 0,
    rows: 0,
    encoded: 0,
    matrix: matrixOf(),
    passthrough: opts.passthrough.map(() => []),
    others: [],
  });
  let part = newPart();
  let header: string[] | undefined;
  /** Per feature, its CSV column (the last of that name, as a row object would keep it), or -1. */
  let featureColumns: Int32Array = new Int32Array(0);
  let passColumns: Int32Array = new Int32Array(0);
  /** Per CSV column: NUMERIC (read as a number from the bytes), UNREAD (no string made) or 0 (a string). */
  let columnRole: Uint8Array = new Uint8Array(0);
  let numbers: Float64Array = new Float64Array(0);
  /** Per CSV column, the record whose cell `numbers` holds. */
  let parsedIn: Int32Array = new Int32Array(0);
  let record = 0;
  let rowNumber = 0;
  const parsed = { value: 0 };

  const rawField = (column: number, bytes: Buffer, start: number, end: number): boolean => {
    const role = columnRole[column];
    if (role === UNREAD) return true;
    if (role !== NUMERIC) return false;
    const kind = numericKindBytes(bytes, start, end, parsed);
    if (kind !== INTEGER_LITERAL && kind !== DECIMAL_LITERAL) return false;
    numbers[column] = parsed.value;
    parsedIn[column] = record;
    return true;
  };

  const cellOf = (fields: string[], column: number): unknown =>
    parsedIn[column] === record ? numbers[column] : fields[column];

  /** The record as the per-row path reads it: cells by column name, numbers where parsed here (unread columns empty). */
  const inputRow = (fields: string[]): InputRow => {
    const values = keyedByUser<unknown>();
    for (let i = 0; i < fields.length; i++) values[header![i]!] = cellOf(fields, i);
    return { row: rowNumber, values };
  };

  const onRecord = (fields: string[]) => {
    if (header === undefined) {
      header = [...fields];
      opts.onHeader?.(header);
      const columns = header;
      featureColumns = Int32Array.from(features, (encoder) => columns.lastIndexOf(encoder.name));
      passColumns = Int32Array.from(opts.passthrough, (name) => columns.lastIndexOf(name));
      // Columns the model does not read and nobody passes through (the target, ids) need no string.
      columnRole = new Uint8Array(columns.length).fill(UNREAD);
      features.forEach((encoder, f) => {
        const column = featureColumns[f]!;
        if (column >= 0) columnRole[column] = encoder.kind === 'numeric' ? NUMERIC : 0;
      });
      // A passthrough cell is copied as it is written: it keeps its string.
      for (const column of passColumns) if (column >= 0) columnRole[column] = 0;
      numbers = new Float64Array(columns.length);
      parsedIn = new Int32Array(columns.length).fill(-1);
      return;
    }
    rowNumber += 1;
    if (rowNumber <= opts.skipRows) {
      record += 1;
      return;
    }
    const at = part.rows;
    if (at === 0) part.first = rowNumber;
    if (fields.length !== header.length) {
      part.others.push({
        at,
        row: { row: rowNumber, error: `The row has ${fields.length} fields; the header has ${header.length}.` },
      });
    } else if (encodeRecord(fields, part.encoded * width)) {
      for (let p = 0; p < passColumns.length; p++) part.passthrough[p]![part.encoded] = fields[passColumns[p]!];
      part.encoded += 1;
    } else {
      part.matrix.fill(0, part.encoded * width, (part.encoded + 1) * width);
      part.others.push({ at, row: inputRow(fields) });
    }
    part.rows += 1;
    record += 1;
    if (part.rows === opts.partRows) {
      ready.push(part);
      part = newPart();
    }
  };

  /** Encodes a record at `offset`; false when a cell is one the per-row path must judge. */
  const encodeRecord = (fields: string[], offset: number): boolean => {
    const matrix = part.matrix;
    for (let f = 0; f < features.length; f++) {
      const encoder = features[f]!;
      const column = featureColumns[f]!;
      let checked;
      if (column >= 0 && parsedIn[column] === record) {
        // Read from the bytes (only numeric features' columns are): a literal of the fast path,
        // finite, which checkValue would pass as it is.
        checked = numbers[column]!;
      } else {
        checked = checkValue(encoder, column < 0 ? undefined : typers[f]!(fields[column]));
        if (typeof checked === 'object' && checked !== null) return false;
      }
      offset = writeEncoded(encoder, checked, matrix, offset);
      if (encoder.kind === 'numeric' && !Number.isFinite(matrix[offset - 1]!)) return false;
    }
    return true;
  };

  const reader = new CsvReader(onRecord, { rawField });
  for await (const chunk of source) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    for (let at = 0; at < bytes.length; at += PARSE_SLICE_BYTES) {
      if (at > 0) await new Promise((resolve) => setImmediate(resolve));
      reader.write(bytes.subarray(at, at + PARSE_SLICE_BYTES));
      while (ready.length > 0) yield ready.shift()!;
    }
  }
  reader.end();
  while (ready.length > 0) yield ready.shift()!;
  if (part.rows > 0) yield part;
}
