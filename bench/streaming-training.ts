/**
 * Streamed tabular training against the in-memory path (src/training/pipelines/tabular-stream.ts
 * vs tabular.ts), in a child process of its own so its RSS is the training's alone:
 *   `rate <rows>`: rows/s of each path on the same generated table that fits, interleaved rounds,
 *     end to end: reading the table from a file (the in-memory path once, the streamed one per
 *     pass), training, and evaluating (the in-memory path on its whole test split, the streamed
 *     one on its bounded sample);
 *   `rss <mb>`: peak RSS of the streamed path on a generated CSV of that many MB, run with the
 *     heap capped (`--max-old-space-size`) as a worker with WORKER_MEMORY_MB would run it.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GENERATED_FEATURES, writeGeneratedCsv } from '../test/support/generated-table.ts';
import type { ColumnProfile } from '../src/datasets/column-profile.ts';
import { CsvReader } from '../src/datasets/csv-reader.ts';
import { DatasetProfileBuilder } from '../src/datasets/dataset-profile-builder.ts';
import { readDatasetRows, streamDatasetRows } from '../src/datasets/read-rows.ts';
import { ensureBackend } from '../src/ml/backend.ts';
import { PeakRss } from '../src/observability/peak-rss.ts';
import type { UnvalidatedSpec } from '../src/training/pipelines/request.ts';
import { trainTabular } from '../src/training/pipelines/tabular.ts';
import { trainTabularStreamed } from '../src/training/pipelines/tabular-stream.ts';

export interface StreamingRateFigures {
  rows: number;
  epochs: number;
  /** Per round: training rows x epochs / seconds, reading included. */
  rounds: { inMemory: number; streamed: number }[];
}

export interface StreamingRssFigures {
  fileMb: number;
  rows: number;
  heapLimitMb: number;
  peakRssMb: number;
  rowsPerSecond: number;
  accuracy: number;
}

async function profile(file: string): Promise<{ columns: ColumnProfile[]; rows: number }> {
  const builder = new DatasetProfileBuilder('csv');
  const reader = new CsvReader(builder.addCsvRecord, { rawField: builder.addCsvField });
  for await (const chunk of createReadStream(file)) reader.write(chunk as Buffer);
  reader.end();
  return { columns: builder.finish((await stat(file)).size), rows: builder.rows };
}

const spec = (epochs: number): UnvalidatedSpec => ({
  target: 'label',
  features: GENERATED_FEATURES,
  split: { test: 0.2, validation: 0 },
  model: { type: 'mlp', hiddenLayers: [{ units: 16 }], epochs, batchSize: 1024, learningRate: 0.01, seed: 1 },
});

export async function benchStreamingRate(rows: number, epochs = 2, rounds = 3): Promise<StreamingRateFigures> {
  await ensureBackend();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'maas-bench-stream-'));
  try {
    const file = path.join(dir, 'table.csv');
    // One block of `rows` distinct rows: any size asked for up to it writes just the block.
    await writeGeneratedCsv(file, 1, 7, rows);
    const { columns, rows: rowCount } = await profile(file);
    const read = () => ({ source: createReadStream(file), format: 'csv' as const, columns });
    const figures: StreamingRateFigures = { rows: rowCount, epochs, rounds: [] };
    for (let round = 0; round < rounds; round++) {
      let started = Date.now();
      const held = await trainTabular({ ...spec(epochs), columns, rows: await readDatasetRows(read()) });
      const inMemory = (held.rowCounts.train * epochs) / ((Date.now() - started) / 1000);
      held.model.dispose();
      started = Date.now();
      const table = { columns, rowCount, pass: () => streamDatasetRows(read()) };
      const streamed = await trainTabularStreamed({ ...spec(epochs), table });
      figures.rounds.push({
        inMemory,
        streamed: (streamed.rowCounts.train * epochs) / ((Date.now() - started) / 1000),
      });
      streamed.model.dispose();
    }
    return figures;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchStreamingRss(fileMb: number): Promise<StreamingRssFigures> {
  await ensureBackend();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'maas-bench-stream-'));
  try {
    const file = path.join(dir, 'large.csv');
    const written = await writeGeneratedCsv(file, fileMb * 1024 ** 2, 9);
    const { columns, rows } = await profile(file);
    const rss = new PeakRss(50);
    const started = Date.now();
    const table = {
      columns,
      rowCount: rows,
      pass: () => streamDatasetRows({ source: createReadStream(file), format: 'csv', columns }),
    };
    const result = await trainTabularStreamed(
      { ...spec(1), model: { ...spec(1).model, batchSize: 4096 }, table },
      {
        shouldStop: () => {
          rss.sample();
          return false;
        },
      },
    );
    const seconds = (Date.now() - started) / 1000;
    result.model.dispose();
    rss.stop();
    return {
      fileMb: written.bytes / 1024 ** 2,
      rows,
      heapLimitMb: Math.round((await import('node:v8')).getHeapStatistics().heap_size_limit / 1024 ** 2),
      peakRssMb: rss.peakMb,
      rowsPerSecond: (result.rowCounts.train + result.rowCounts.test) / seconds,
      accuracy: (result.metrics as { accuracy: number }).accuracy,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
