/**
 * Reading a stored Parquet file through ranged reads of the artifact store, one row group at a
 * time (hyparquet): the footer is checked and parsed once, the schema must be flat (one column
 * per field, no lists, maps or structs), and each row group is read and decoded alone, so
 * memory holds one row group however large the file. Every way the file can be unreadable is
 * an InvalidDatasetError saying why.
 */
import type { AsyncBuffer, FileMetaData, SchemaElement } from 'hyparquet';
import { InvalidDatasetError } from '../errors.ts';
import type { ArtifactRanges } from '../storage/artifact-store.ts';
import type { UploadInspector } from './store-upload.ts';

/** hyparquet, loaded on first use: a service that never reads Parquet starts without it. */
const hyparquet = () => import('hyparquet');

/** The first and last four bytes of every Parquet file. */
export const PARQUET_MAGIC = Buffer.from('PAR1', 'latin1');

export interface ParquetLimits {
  /** Most columns a file may have (as NDJSON's limit). */
  maxColumns?: number;
  /** Largest footer (schema and row group index) read into memory. */
  maxFooterBytes?: number;
  /** Largest row group, uncompressed, decoded at once. */
  maxRowGroupBytes?: number;
}

const DEFAULTS = { maxColumns: 10_000, maxFooterBytes: 64 << 20, maxRowGroupBytes: 256 << 20 };

/**
 * Checks an upload's first bytes for the Parquet magic as it is stored, so a body that is not
 * Parquet is refused at its start rather than once stored whole.
 */
export function parquetMagicInspector(): UploadInspector {
  let head = Buffer.alloc(0);
  const check = (final: boolean) => {
    if (head.length >= PARQUET_MAGIC.length || final) {
      if (!head.subarray(0, PARQUET_MAGIC.length).equals(PARQUET_MAGIC))
        throw head.length === 0
          ? new InvalidDatasetError('The dataset is empty: the body has no bytes.')
          : invalid('does not start with the Parquet magic bytes PAR1.');
    }
  };
  return {
    write(chunk) {
      if (head.length >= PARQUET_MAGIC.length) return;
      head = Buffer.concat([head, chunk.subarray(0, PARQUET_MAGIC.length)]);
      check(false);
    },
    end: () => check(true),
  };
}

/** How a column's values are read: its Parquet type decides what the profile may say. */
export interface ParquetColumn {
  name: string;
  /** FLOAT, DOUBLE and DECIMAL: numbers even when every value is whole. */
  fractional: boolean;
  /** A DATE (no time of day): written `YYYY-MM-DD`. */
  date: boolean;
}

export interface ParquetFile {
  metadata: FileMetaData;
  columns: ParquetColumn[];
  rowCount: number;
  /** The rows of each row group, in order: [start, end). */
  rowGroups: { start: number; end: number }[];
  file: AsyncBuffer;
}

/** The AsyncBuffer hyparquet reads from, over the store's ranged reads. */
function asyncBuffer(ranges: ArtifactRanges): AsyncBuffer {
  return {
    byteLength: ranges.sizeBytes,
    async slice(start, end = ranges.sizeBytes) {
      const bytes = await ranges.read(start, end);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
}

const invalid = (detail: string, extra?: Record<string, unknown>) =>
  new InvalidDatasetError(`The Parquet file ${detail}`, extra);

/** Checks the magic and the footer, parses the metadata and the flat schema. */
export async function openParquetFile(ranges: ArtifactRanges, limits: ParquetLimits = {}): Promise<ParquetFile> {
  const { maxColumns, maxFooterBytes, maxRowGroupBytes } = { ...DEFAULTS, ...limits };
  const size = ranges.sizeBytes;
  if (size === 0) throw new InvalidDatasetError('The dataset is empty: the body has no bytes.');
  if (size < 12 || !(await ranges.read(0, 4)).equals(PARQUET_MAGIC))
    throw invalid('does not start with the Parquet magic bytes PAR1.');
  const tail = await ranges.read(size - 8, size);
  if (!tail.subarray(4).equals(PARQUET_MAGIC))
    throw invalid('does not end with PAR1: it is truncated or not a Parquet file.');
  const footerBytes = tail.readUInt32LE(0);
  if (footerBytes > size - 12) throw invalid(`declares a footer of ${footerBytes} bytes, longer than the file.`);
  if (footerBytes > maxFooterBytes)
    throw invalid(`has a footer of ${footerBytes} bytes; at most ${maxFooterBytes} bytes are read.`);
  const file = asyncBuffer(ranges);
  let metadata: FileMetaData;
  try {
    metadata = await (await hyparquet()).parquetMetadataAsync(file, { initialFetchSize: footerBytes + 8 });
  } catch (error) {
    throw invalid(`has a footer that cannot be read: ${(error as Error).message}.`);
  }
  const columns = flatColumns(metadata.schema, maxColumns);
  const rowGroups: ParquetFile['rowGroups'] = [];
  let start = 0;
  metadata.row_groups.forEach((group, index) => {
    const bytes = Number(group.total_byte_size);
    if (bytes > maxRowGroupBytes)
      throw invalid(
        `has a row group (number ${index + 1}) of ${bytes} bytes uncompressed; at most ${maxRowGroupBytes} ` +
          'bytes are read at once: write it with smaller row groups.',
        { rowGroup: index + 1 },
      );
    const end = start + Number(group.num_rows);
    rowGroups.push({ start, end });
    start = end;
  });
  if (start !== Number(metadata.num_rows))
    throw invalid(`says it has ${metadata.num_rows} rows, but its row groups hold ${start}.`);
  return { metadata, columns, rowCount: start, rowGroups, file };
}

/** The columns of a flat schema; a nested or repeated field is refused, naming it. */
function flatColumns(schema: SchemaElement[], maxColumns: number): ParquetColumn[] {
  const [root, ...fields] = schema;
  if (root === undefined || fields.length === 0) throw invalid('has no columns.');
  if (fields.length > maxColumns)
    throw invalid(`has ${fields.length} columns; at most ${maxColumns} columns are supported.`);
  const seen = new Set<string>();
  return fields.map((field) => {
    if ((field.num_children ?? 0) > 0 || field.repetition_type === 'REPEATED' || field.type === undefined)
      throw invalid(
        `has a nested or repeated column '${field.name}' (a list, map or struct); ` +
          'a dataset has flat columns of numbers, booleans, strings and dates.',
        { column: field.name },
      );
    if (field.name.trim().length === 0) throw invalid('has a column with a blank name; every column needs a name.');
    if (seen.has(field.name)) throw invalid(`has two columns named '${field.name}'; names must be unique.`);
    seen.add(field.name);
    const logical = field.logical_type?.type;
    return {
      name: field.name,
      fractional:
        field.type === 'FLOAT' ||
        field.type === 'DOUBLE' ||
        logical === 'DECIMAL' ||
        logical === 'FLOAT16' ||
        field.converted_type === 'DECIMAL',
      date: logical === 'DATE' || field.converted_type === 'DATE',
    };
  });
}

/** One decoded column of one row group: `values[i]` is the group's row i. */
export type ColumnValues = ArrayLike<unknown>;

/**
 * Reads the file one row group at a time, handing each group's columns (by name) to `onGroup`
 * before the next is read. A group whose pages cannot be decoded fails with its number.
 */
export async function forEachRowGroup(
  parquet: ParquetFile,
  onGroup: (columns: Map<string, ColumnValues>, rows: number, group: number) => void | Promise<void>,
): Promise<void> {
  const { parquetRead } = await hyparquet();
  for (const [index, { start, end }] of parquet.rowGroups.entries()) {
    if (end === start) continue;
    const columns = new Map<string, unknown[]>();
    try {
      await parquetRead({
        file: parquet.file,
        metadata: parquet.metadata,
        rowStart: start,
        rowEnd: end,
        onChunk: ({ columnName, columnData, rowStart }) => {
          let values = columns.get(columnName);
          if (values === undefined) columns.set(columnName, (values = new Array<unknown>(end - start)));
          // A chunk may cover rows outside the group's (pages read whole): only the group's are kept.
          for (let i = Math.max(0, start - rowStart); i < columnData.length && rowStart + i < end; i++)
            values[rowStart + i - start] = columnData[i];
        },
      });
    } catch (error) {
      if (error instanceof InvalidDatasetError) throw error;
      throw invalid(`has a row group (number ${index + 1}) that cannot be read: ${(error as Error).message}.`, {
        rowGroup: index + 1,
      });
    }
    await onGroup(columns, end - start, index);
  }
}
