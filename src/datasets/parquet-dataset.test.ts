import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { mixedParquet, nestedParquet, weatherParquet } from '../../test/fixtures/datasets/build-parquet.ts';
import { InvalidDatasetError } from '../errors.ts';
import type { ArtifactRanges } from '../storage/artifact-store.ts';
import { useTempArtifactStore } from '../../test/support/temp-artifact-store.ts';
import { ingestDataset } from './ingest.ts';
import { profileParquet, readParquetRows } from './parquet-dataset.ts';
import { readDatasetRows } from './read-rows.ts';

const WEATHER_CSV = path.join(import.meta.dirname, '../../test/fixtures/datasets/seattle-weather.csv');
const temp = useTempArtifactStore();

/** Ranges over bytes in memory, counting the bytes read. */
function memoryRanges(bytes: Buffer): ArtifactRanges & { bytesRead: number } {
  return {
    sizeBytes: bytes.length,
    bytesRead: 0,
    async read(start, end) {
      const slice = bytes.subarray(start, Math.min(end, bytes.length));
      this.bytesRead += slice.length;
      return slice;
    },
  };
}

describe('Parquet datasets', () => {
  it('profile and read back as the same table in CSV does, row group by row group', async () => {
    const csv = await readFile(WEATHER_CSV);
    const fromCsv = await ingestDataset({
      source: Readable.from([csv]),
      format: 'csv',
      store: temp.store,
      key: 'weather.csv',
      maxBytes: 1 << 30,
    });
    // Row groups of 97 rows: many of them, the last one short.
    const parquet = weatherParquet(97);
    const fromParquet = await profileParquet(memoryRanges(parquet));
    expect(fromParquet.rowCount).toBe(fromCsv.rowCount);
    expect(fromParquet.columns).toEqual(fromCsv.columns);
    const csvRows = await readDatasetRows({
      source: Readable.from([csv]),
      format: 'csv',
      columns: fromCsv.columns,
    });
    expect(await readParquetRows(memoryRanges(parquet), fromParquet.columns)).toEqual(csvRows);
  });

  it('maps each Parquet type to a column type, with nulls, NaN and empty strings missing', async () => {
    const { rowCount, columns } = await profileParquet(memoryRanges(mixedParquet()));
    expect(rowCount).toBe(10);
    const byName = Object.fromEntries(columns.map((column) => [column.name, column]));
    expect(byName.id).toMatchObject({ type: 'integer', missing: 0, min: 1, max: 10 });
    expect(byName.count).toMatchObject({ type: 'integer', missing: 1, min: -3, max: 40 });
    // Whole doubles stay numbers: the file says so, however the values look.
    expect(byName.score).toMatchObject({ type: 'number', missing: 2, min: 1, max: 8 });
    expect(byName.ok).toMatchObject({ type: 'boolean', missing: 1 });
    expect(byName.city).toMatchObject({ type: 'categorical', missing: 2, distinct: 3 });
    expect(byName.day).toMatchObject({ type: 'datetime', min: '2024-01-01', max: '2024-01-10' });
    expect(byName.at).toMatchObject({ type: 'datetime', min: '2024-06-01T12:00:30.250Z' });
    // 2^60 + 1 is no double: the column keeps its values exactly, as text.
    expect(byName.big).toEqual({ name: 'big', type: 'text', missing: 0, distinct: 10, distinctApproximate: false });

    const rows = await readParquetRows(memoryRanges(mixedParquet()), columns);
    expect(rows).toHaveLength(10);
    expect({ ...rows[2] }).toEqual({
      id: 3,
      count: null,
      score: 3,
      ok: true,
      city: null,
      day: '2024-01-03',
      at: '2024-06-01T12:02:30.250Z',
      big: '1152921504606846977',
    });
    expect(rows.map((row) => row.score)).toEqual([1, 2.5, 3, null, 4, null, 5, 6, 7, 8]);
  });

  it('reads the footer and the row groups only, never the file whole at once', async () => {
    const parquet = weatherParquet(97);
    const ranges = memoryRanges(parquet);
    const reads: number[] = [];
    const read = ranges.read.bind(ranges);
    ranges.read = async (start, end) => {
      const bytes = await read(start, end);
      reads.push(bytes.length);
      return bytes;
    };
    await profileParquet(ranges);
    expect(Math.max(...reads)).toBeLessThan(parquet.length / 4);
  });

  it('refuses what is not a flat, whole Parquet file, saying why', async () => {
    const weather = weatherParquet();
    const cases: [Buffer, RegExp][] = [
      [Buffer.from('a,b\n1,2\n'), /does not start with the Parquet magic bytes PAR1/],
      [weather.subarray(0, weather.length - 100), /does not end with PAR1/],
      [Buffer.concat([weather.subarray(0, 4), Buffer.alloc(300), weather.subarray(-8)]), /footer/],
      [nestedParquet(), /nested or repeated column 'tags'/],
      [Buffer.alloc(0), /empty/],
    ];
    for (const [bytes, message] of cases) {
      const error = await profileParquet(memoryRanges(bytes)).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidDatasetError);
      expect((error as Error).message).toMatch(message);
    }
    await expect(profileParquet(memoryRanges(weather), { maxColumns: 3 })).rejects.toThrow(/at most 3 columns/);
    await expect(profileParquet(memoryRanges(weather), { maxRowGroupBytes: 1000 })).rejects.toThrow(
      /row group \(number 1\) of \d+ bytes uncompressed; at most 1000/,
    );
  });
});
