import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { ingestDataset } from '../src/datasets/ingest.ts';
import { LocalArtifactStore } from '../src/storage/local-artifact-store.ts';

export interface IngestBenchResult {
  mbPerSecond: number;
  peakRssMb: number;
  rows: number;
}

const MB = 1024 * 1024;
const COLOURS = ['red', 'green', 'blue', 'yellow', 'purple'];
const CHUNK_BYTES = 1 << 16;

/**
 * A CSV of `sizeMb` megabytes made 64 KiB at a time, never held whole: an integer id, a
 * decimal amount, a categorical colour, a boolean, an ISO date and a unique free-text
 * comment, i.e. every column kind the profiler infers, with high and low cardinalities.
 */
export function generatedCsv(sizeBytes: number): Readable {
  let row = 0;
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= sizeBytes) {
        this.push(null);
        return;
      }
      let chunk = row === 0 ? 'id,amount,colour,flag,day,comment\n' : '';
      while (chunk.length < CHUNK_BYTES) {
        row++;
        chunk +=
          `${row},${(row % 99_991) / 8},${COLOURS[row % 5]},${row % 3 === 0},` +
          `2024-01-${(row % 28) + 10},customer ${row} wrote a unique comment\n`;
      }
      sent += chunk.length;
      this.push(Buffer.from(chunk, 'latin1'));
    },
  });
}

/**
 * Ingests a generated CSV into a LocalArtifactStore in a temp dir; the figures cover the whole
 * ingest. The CSV is written to a file first and streamed from it, as an upload streams from
 * its socket: generating it on the fly took about a seventh of the measured time, which is the
 * benchmark's own cost, not the ingest's.
 */
export async function benchIngest(opts: { sizeMb: number }): Promise<IngestBenchResult> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'maas-bench-ingest-'));
  const file = path.join(root, 'generated.csv');
  await pipeline(generatedCsv(opts.sizeMb * MB), createWriteStream(file));
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 25);
  try {
    const started = performance.now();
    const result = await ingestDataset({
      source: createReadStream(file, { highWaterMark: CHUNK_BYTES }),
      format: 'csv',
      store: new LocalArtifactStore(root),
      key: 'datasets/bench/generated.csv',
      maxBytes: 2 * opts.sizeMb * MB + MB,
    });
    const seconds = (performance.now() - started) / 1000;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    return { mbPerSecond: result.sizeBytes / MB / seconds, peakRssMb: peakRss / MB, rows: result.rowCount };
  } finally {
    clearInterval(sampler);
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizeMb = Number(process.argv[2] ?? 200);
  const result = await benchIngest({ sizeMb });
  console.log(
    `CSV ingest of ${sizeMb} MB: ${result.mbPerSecond.toFixed(1)} MB/s, ` +
      `peak RSS ${result.peakRssMb.toFixed(0)} MB, ${result.rows} rows`,
  );
}
