/**
 * The input rows of a batch prediction, streamed from the store in bounded memory: CSV with a
 * header, or NDJSON. Each data row comes out with its number (1-based, the header not
 * counted) and its cells by column name, or with the reason it cannot be read (a CSV row with
 * the wrong number of fields, an NDJSON line that is not a flat JSON object): a bad row is a
 * row-level error of the job, not the end of it.
 */
import type { Readable } from 'node:stream';
import { CsvReader } from '../datasets/csv-reader.ts';
import { keyedByUser } from '../user-keys.ts';

export type InputFormat = 'csv' | 'ndjson';

export interface InputRow {
  /** 1-based data row number: the n-th record after the header (CSV) or the n-th non-blank line (NDJSON). */
  row: number;
  values?: Record<string, unknown>;
  error?: string;
}

const LF = 10;

/**
 * Yields the rows after the first `skipRows`, `batchRows` at a time (the last batch may be
 * shorter). `onHeader` receives the CSV header before the first batch (NDJSON has none).
 */
export async function* readInputRows(
  source: Readable,
  format: InputFormat,
  opts: { skipRows: number; batchRows: number; onHeader?: (columns: string[]) => void },
): AsyncGenerator<InputRow[]> {
  let pending: InputRow[] = [];
  let rowNumber = 0;
  const take = (make: () => InputRow) => {
    rowNumber += 1;
    if (rowNumber > opts.skipRows) pending.push(make());
  };
  let feed: (chunk: Buffer) => void;
  let finish: () => void;
  if (format === 'csv') {
    let header: string[] | undefined;
    const reader = new CsvReader((fields) => {
      if (header === undefined) {
        header = [...fields];
        opts.onHeader?.(header);
        return;
      }
      const columns = header;
      take(() => {
        if (fields.length !== columns.length)
          return {
            row: rowNumber,
            error: `The row has ${fields.length} fields; the header has ${columns.length}.`,
          };
        const values = keyedByUser<unknown>();
        for (let i = 0; i < fields.length; i++) values[columns[i]!] = fields[i];
        return { row: rowNumber, values };
      });
    });
    feed = (chunk) => reader.write(chunk);
    finish = () => reader.end();
  } else {
    let carry: Buffer[] = [];
    const line = (bytes: Buffer) => {
      const text = bytes.toString('utf8').trim();
      if (text === '') return;
      take(() => ndjsonRow(rowNumber, text));
    };
    feed = (chunk) => {
      let start = 0;
      for (let end = chunk.indexOf(LF, start); end !== -1; end = chunk.indexOf(LF, start)) {
        line(carry.length ? Buffer.concat([...carry, chunk.subarray(start, end)]) : chunk.subarray(start, end));
        carry = [];
        start = end + 1;
      }
      if (start < chunk.length) carry.push(Buffer.from(chunk.subarray(start)));
    };
    finish = () => {
      if (carry.length) line(Buffer.concat(carry));
      carry = [];
    };
  }
  for await (const chunk of source) {
    feed(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
    while (pending.length >= opts.batchRows) {
      yield pending.slice(0, opts.batchRows);
      pending = pending.slice(opts.batchRows);
    }
  }
  finish();
  while (pending.length > 0) {
    yield pending.slice(0, opts.batchRows);
    pending = pending.slice(opts.batchRows);
  }
}

function ndjsonRow(row: number, text: string): InputRow {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { row, error: `The line is not valid JSON: ${(error as Error).message}` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return { row, error: 'The line is not a JSON object.' };
  const values = keyedByUser<unknown>();
  for (const [key, value] of Object.entries(parsed)) {
    if (value !== null && typeof value === 'object') return { row, error: `The value of '${key}' is not flat.` };
    values[key] = value;
  }
  return { row, values };
}
