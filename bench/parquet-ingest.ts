/**
 * Parquet ingest against CSV ingest of the same table, same run: a generated table written
 * both ways (CSV as bench/ingest.ts writes it, Parquet typed, in row groups of 65,536 rows),
 * then each ingested in a child process of its own (peak RSS is a process's), the two formats
 * alternating round after round. CSV is profiled as it is stored; Parquet is stored, then read
 * back by ranges row group by row group (src/datasets/upload.ts). MB/s is of the file ingested.
 *   tsx bench/parquet-ingest.ts [csvMegabytes=100] [rounds=3]
 */
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { fileWriter, ParquetWriter, type SchemaElement } from 'hyparquet-writer';
import { profileParquet } from '../src/datasets/parquet-dataset.ts';
import { parquetMagicInspector } from '../src/datasets/parquet-file.ts';
import { storeUpload } from '../src/datasets/store-upload.ts';
import { ingestDataset } from '../src/datasets/ingest.ts';
import { LocalArtifactStore } from '../src/storage/local-artifact-store.ts';

const MB = 1024 * 1024;
const COLOURS = ['red', 'green', 'blue', 'yellow', 'purple'];
const GROUP_ROWS = 65_536;

export interface ParquetIngestFigures {
  csvMb: number;
  parquetMb: number;
  rows: number;
  rounds: { csv: OneIngest; parquet: OneIngest }[];
}
export interface OneIngest {
  mbPerSecond: number;
  rowsPerSecond: number;
  peakRssMb: number;
  rows: number;
}

/** Row `i` (1-based) of the table: bench/ingest.ts's columns and values. */
const row = (i: number) =>
  [
    i,
    (i % 99_991) / 8,
    COLOURS[i % 5]!,
    i % 3 === 0,
    `2024-01-${(i % 28) + 10}`,
    `customer ${i} wrote a unique comment`,
  ] as const;

/** Writes the same `rows` rows as CSV and as Parquet. */
async function writeTable(folder: string, rows: number): Promise<{ csv: string; parquet: string }> {
  const csv = path.join(folder, 'table.csv');
  const parquet = path.join(folder, 'table.parquet');
  const out = createWriteStream(csv);
  out.write('id,amount,colour,flag,day,comment\n');
  const schema: SchemaElement[] = [
    { name: 'root', num_children: 6 },
    { name: 'id', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'amount', type: 'DOUBLE', repetition_type: 'REQUIRED' },
    { name: 'colour', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
    { name: 'flag', type: 'BOOLEAN', repetition_type: 'REQUIRED' },
    { name: 'day', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
    { name: 'comment', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  ];
  const writer = new ParquetWriter({ writer: fileWriter(parquet), schema });
  for (let start = 1; start <= rows; start += GROUP_ROWS) {
    const group = Array.from({ length: Math.min(GROUP_ROWS, rows - start + 1) }, (_, k) => row(start + k));
    const text = group.map((fields) => fields.join(',')).join('\n');
    if (!out.write(`${text}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    await writer.write({
      columnData: schema.slice(1).map((element, c) => ({ name: element.name, data: group.map((fields) => fields[c]) })),
      rowGroupSize: GROUP_ROWS,
    });
  }
  await writer.finish();
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return { csv, parquet };
}

/** One ingest of `file` in this process, as the service ingests an upload of it. */
export async function ingestOnce(format: 'csv' | 'parquet', file: string): Promise<OneIngest> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'maas-bench-pq-'));
  const store = new LocalArtifactStore(root);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 25);
  try {
    const started = performance.now();
    const source = createReadStream(file, { highWaterMark: 1 << 16 });
    const key = `datasets/bench/table.${format}`;
    let rows: number;
    let sizeBytes: number;
    if (format === 'csv') {
      ({ rowCount: rows, sizeBytes } = await ingestDataset({ source, format, store, key, maxBytes: 2 ** 40 }));
    } else {
      ({ sizeBytes } = await storeUpload({
        source,
        store,
        key,
        maxBytes: 2 ** 40,
        inspector: parquetMagicInspector(),
      }));
      rows = (await profileParquet(await store.openRanges(key))).rowCount;
    }
    const seconds = (performance.now() - started) / 1000;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    return { mbPerSecond: sizeBytes / MB / seconds, rowsPerSecond: rows / seconds, peakRssMb: peakRss / MB, rows };
  } finally {
    clearInterval(sampler);
    await rm(root, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The report's row: medians over the rounds, Parquet against CSV. */
export function parquetIngestRow(figures: ParquetIngestFigures | { error: string }): string {
  const label = '| 4f | Parquet vs CSV ingest of the same generated table';
  if ('error' in figures) return `${label} | failed: ${figures.error} | reported | - |`;
  const of = (format: 'csv' | 'parquet', key: keyof OneIngest) => median(figures.rounds.map((r) => r[format][key]));
  const ratio = median(figures.rounds.map((r) => r.parquet.rowsPerSecond / r.csv.rowsPerSecond));
  return (
    `${label} (${figures.rows} rows; CSV ${figures.csvMb.toFixed(0)} MB, Parquet ${figures.parquetMb.toFixed(1)} MB) | ` +
    `Parquet ${of('parquet', 'mbPerSecond').toFixed(1)} MB/s of Parquet, ${of('parquet', 'rowsPerSecond').toFixed(0)} rows/s, ` +
    `peak RSS ${of('parquet', 'peakRssMb').toFixed(0)} MB; CSV ${of('csv', 'mbPerSecond').toFixed(1)} MB/s, ` +
    `${of('csv', 'rowsPerSecond').toFixed(0)} rows/s, peak RSS ${of('csv', 'peakRssMb').toFixed(0)} MB; ` +
    `rows/s ratio **${ratio.toFixed(2)}** (rounds: ${figures.rounds.map((r) => (r.parquet.rowsPerSecond / r.csv.rowsPerSecond).toFixed(2)).join(', ')}) | reported | - |`
  );
}

const run = promisify(execFile);
const HERE = import.meta.dirname;

async function inChild(format: 'csv' | 'parquet', file: string): Promise<OneIngest> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', path.join(HERE, 'parquet-ingest.ts'), 'one', format, file],
    {
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as OneIngest;
}

export async function benchParquetIngest(opts: { csvMb: number; rounds: number }): Promise<ParquetIngestFigures> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'maas-bench-table-'));
  try {
    // About 65 bytes a CSV row.
    const files = await writeTable(folder, Math.round((opts.csvMb * MB) / 65));
    const rounds: ParquetIngestFigures['rounds'] = [];
    for (let round = 0; round < opts.rounds; round++) {
      // Alternating which goes first, so neither always runs on a warmer machine.
      const first = round % 2 === 0 ? 'csv' : 'parquet';
      const a = await inChild(first, files[first]);
      const second = first === 'csv' ? 'parquet' : 'csv';
      const b = await inChild(second, files[second]);
      rounds.push(first === 'csv' ? { csv: a, parquet: b } : { csv: b, parquet: a });
    }
    return {
      csvMb: (await stat(files.csv)).size / MB,
      parquetMb: (await stat(files.parquet)).size / MB,
      rows: rounds[0]!.csv.rows,
      rounds,
    };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === 'one') {
    const result = await ingestOnce(process.argv[3] as 'csv' | 'parquet', process.argv[4]!);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const figures = await benchParquetIngest({
      csvMb: Number(process.argv[2] ?? 100),
      rounds: Number(process.argv[3] ?? 3),
    });
    console.log(JSON.stringify(figures, null, 1));
  }
  process.exit(0);
}
