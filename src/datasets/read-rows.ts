import type { Readable } from 'node:stream';
import { InvalidDatasetError } from '../errors.ts';
import type { CellValue, ColumnProfile, DatasetRow } from './column-profile.ts';
import { CsvReader } from './csv-reader.ts';
import type { DatasetFormat } from './dataset-format.ts';
import { NdjsonReader } from './ndjson-reader.ts';
import { booleanLiteral } from './value-literals.ts';
import { keyedByUser } from '../user-keys.ts';

export interface ReadDatasetRowsOptions {
  /** A stored dataset file, as ingestDataset wrote it. */
  source: Readable;
  format: DatasetFormat;
  /** The profiles ingestDataset returned; they decide each cell's type. */
  columns: ColumnProfile[];
}

type Converter = (value: unknown) => CellValue;

const toNumber: Converter = (value) =>
  typeof value === 'number' ? value : value === null || value === undefined || value === '' ? null : Number(value);
const toBoolean: Converter = (value) => {
  if (typeof value === 'boolean') return value;
  if (value === null || value === undefined || value === '') return null;
  return booleanLiteral(String(value)) ?? null;
};
const toText: Converter = (value) => (value === null || value === undefined || value === '' ? null : String(value));

/** How a cell of this column is typed for training, whatever format it was read from. */
export function cellConverter(column: ColumnProfile): Converter {
  if (column.type === 'integer' || column.type === 'number') return toNumber;
  if (column.type === 'boolean') return toBoolean;
  return toText;
}

/**
 * Parses a stored dataset back into typed rows, for training: integer and number columns
 * give numbers, boolean columns booleans, missing cells null, every other cell its string.
 * Each row has exactly the profiled columns, in profile order; a CSV column the profiles do
 * not name is ignored. The rows are held in memory: callers read datasets they can train on
 * (streamDatasetRows reads one that is too large, a chunk of rows at a time).
 */
export async function readDatasetRows(options: ReadDatasetRowsOptions): Promise<DatasetRow[]> {
  const rows: DatasetRow[] = [];
  for await (const chunk of streamDatasetRows(options)) for (const row of chunk) rows.push(row);
  return rows;
}

/**
 * The rows of a stored dataset as readDatasetRows types them, in file order, a chunk at a time
 * (the rows of one read from `source`, often a few hundred): memory holds one chunk, never the
 * table. Stopping the iteration early destroys `source`.
 */
export async function* streamDatasetRows(options: ReadDatasetRowsOptions): AsyncGenerator<DatasetRow[]> {
  const { source, format, columns } = options;
  const converters = columns.map(cellConverter);
  let rows: DatasetRow[] = [];
  const emptyRow = (): DatasetRow => {
    const row: DatasetRow = keyedByUser();
    for (const column of columns) row[column.name] = null;
    return row;
  };
  let reader: CsvReader | NdjsonReader;
  if (format === 'csv') {
    // Header position -> profile index, so a reordered profile list still lines up.
    let positions: (number | undefined)[] | undefined;
    reader = new CsvReader((fields, line) => {
      if (positions === undefined) {
        positions = fields.map((name) => {
          const index = columns.findIndex((column) => column.name === name);
          return index === -1 ? undefined : index;
        });
        return;
      }
      if (fields.length !== positions.length) {
        throw new InvalidDatasetError(
          `Line ${line} has ${fields.length} columns; the header has ${positions.length}.`,
          { line },
        );
      }
      const row = emptyRow();
      for (let i = 0; i < fields.length; i++) {
        const index = positions[i];
        if (index !== undefined) row[columns[index]!.name] = converters[index]!(fields[i]);
      }
      rows.push(row);
    });
  } else {
    const indexByName = new Map(columns.map((column, index) => [column.name, index]));
    reader = new NdjsonReader((record) => {
      const row = emptyRow();
      for (const key in record) {
        const index = indexByName.get(key);
        if (index !== undefined && Object.hasOwn(record, key)) row[key] = converters[index]!(record[key]);
      }
      rows.push(row);
    });
  }
  try {
    for await (const chunk of source) {
      reader.write(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
      if (rows.length > 0) {
        yield rows;
        rows = [];
      }
    }
    reader.end();
    if (rows.length > 0) yield rows;
  } finally {
    source.destroy();
  }
}
