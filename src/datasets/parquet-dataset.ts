/**
 * Parquet datasets: profiled and read back row group by row group (parquet-file.ts), with the
 * same column profiles as CSV and NDJSON. Parquet's own types decide what they can: booleans,
 * integers (INT32, INT64), numbers (FLOAT, DOUBLE, DECIMAL, also when every value is whole)
 * and datetimes (DATE as `YYYY-MM-DD`, TIMESTAMP as ISO-8601 in UTC); strings are inferred as
 * NDJSON strings are. Nulls, empty strings, NaN and infinities are missing cells. An INT64
 * value beyond ±(2^53 - 1) cannot be a number without changing it: its column is then text,
 * each value its exact decimal digits.
 */
import { InvalidDatasetError } from '../errors.ts';
import type { ArtifactRanges } from '../storage/artifact-store.ts';
import { keyedByUser } from '../user-keys.ts';
import { checkedProfile, type CellValue, type ColumnProfile, type DatasetRow } from './column-profile.ts';
import { ColumnProfiler } from './column-profiler.ts';
import type { ProfileLimits } from './dataset-profile-builder.ts';
import { NUL_REFUSED } from './ndjson-reader.ts';
import { forEachRowGroup, openParquetFile, type ParquetColumn, type ParquetLimits } from './parquet-file.ts';
import { cellConverter } from './read-rows.ts';
import { ExactCountBudget } from './value-counter.ts';

/** A cell as a dataset holds it: null when missing; `unsafe` set by an INT64 past 2^53. */
function datasetCell(value: unknown, column: ParquetColumn, row: number, flags: { unsafe: boolean }): CellValue {
  switch (typeof value) {
    case 'string':
      if (value.length === 0) return null;
      if (value.includes('\0')) throw cellError(column, row, NUL_REFUSED);
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'boolean':
      return value;
    case 'bigint': {
      const number = Number(value);
      if (Number.isSafeInteger(number)) return number;
      flags.unsafe = true;
      return value.toString();
    }
    case 'undefined':
      return null;
  }
  if (value === null) return null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    const iso = value.toISOString();
    return column.date ? iso.slice(0, 10) : iso;
  }
  const what = value instanceof Uint8Array ? 'binary value' : Array.isArray(value) ? 'list' : 'nested object';
  throw cellError(column, row, `a ${what} is not a supported value; use flat numbers, booleans, strings or dates.`);
}

function cellError(column: ParquetColumn, row: number, reason: string): InvalidDatasetError {
  return new InvalidDatasetError(`Row ${row}, column '${column.name}': ${reason}`, { row, column: column.name });
}

export interface ProfiledParquet {
  rowCount: number;
  columns: ColumnProfile[];
}

/**
 * Profiles a stored Parquet file, one row group in memory at a time.
 * @throws InvalidDatasetError (400) for a file that is not Parquet, is truncated, nested, has
 *   no rows, or a row group past the limits.
 */
export async function profileParquet(
  ranges: ArtifactRanges,
  limits: ProfileLimits & ParquetLimits = {},
): Promise<ProfiledParquet> {
  const parquet = await openParquetFile(ranges, limits);
  const budget = new ExactCountBudget();
  const profilers = parquet.columns.map((column) => new ColumnProfiler(column.name, budget, limits.exactLimit));
  const flags = parquet.columns.map(() => ({ unsafe: false }));
  await forEachRowGroup(parquet, (values, rows, group) => {
    const first = parquet.rowGroups[group]!.start + 1;
    parquet.columns.forEach((column, c) => {
      const cells = values.get(column.name);
      if (cells === undefined) return;
      const profiler = profilers[c]!;
      for (let i = 0; i < rows; i++) {
        const cell = datasetCell(cells[i], column, first + i, flags[c]!);
        if (cell !== null) profiler.add(typeof cell === 'string' ? cell : String(cell));
      }
    });
  });
  if (parquet.rowCount === 0) throw new InvalidDatasetError('The dataset has no rows: the Parquet file holds none.');
  const columns = profilers.map((profiler, c) => {
    const profile = profiler.finish(parquet.rowCount);
    if (flags[c]!.unsafe) return checkedProfile(asText(profile));
    if (parquet.columns[c]!.fractional && profile.type === 'integer') profile.type = 'number';
    return checkedProfile(profile);
  });
  return { rowCount: parquet.rowCount, columns };
}

/** A column whose integers cannot all be numbers: text, without numeric statistics. */
function asText(profile: ColumnProfile): ColumnProfile {
  const { name, missing, distinct, distinctApproximate } = profile;
  return { name, type: 'text', missing, distinct, distinctApproximate };
}

/**
 * Reads a stored Parquet dataset back into typed rows, as readDatasetRows does for CSV and
 * NDJSON: each row has exactly the profiled columns, converted as their profiles say.
 */
export async function readParquetRows(
  ranges: ArtifactRanges,
  profiles: ColumnProfile[],
  limits: ParquetLimits = {},
): Promise<DatasetRow[]> {
  const parquet = await openParquetFile(ranges, limits);
  const byName = new Map(parquet.columns.map((column) => [column.name, column]));
  const wanted = profiles.map((profile) => ({
    profile,
    column: byName.get(profile.name),
    convert: cellConverter(profile),
  }));
  const rows: DatasetRow[] = [];
  const flags = { unsafe: false };
  await forEachRowGroup(parquet, (values, count, group) => {
    const first = parquet.rowGroups[group]!.start + 1;
    for (let i = 0; i < count; i++) {
      const row: DatasetRow = keyedByUser();
      for (const { profile, column, convert } of wanted) {
        const cells = column && values.get(column.name);
        row[profile.name] = cells ? convert(datasetCell(cells[i], column, first + i, flags)) : null;
      }
      rows.push(row);
    }
  });
  return rows;
}
