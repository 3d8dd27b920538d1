import { Readable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import { expect, it } from 'vitest';
import { ingestDataset } from './ingest.ts';
import { useTempArtifactStore } from '../../test/support/temp-artifact-store.ts';

const temp = useTempArtifactStore();

// A full GC on demand, to measure live memory rather than garbage awaiting collection.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

const TARGET_BYTES = 50 * 1024 * 1024;
const COLOURS = ['red', 'green', 'blue', 'yellow', 'purple'];

/** A ~50 MB CSV generated on demand, 64 KiB at a time, never held in memory. */
function generatedCsv(): Readable {
  let row = 0;
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= TARGET_BYTES) {
        this.push(null);
        return;
      }
      let chunk = row === 0 ? 'id,amount,colour,flag,day,comment\n' : '';
      while (chunk.length < 65_536) {
        row++;
        const day = String((row % 28) + 1).padStart(2, '0');
        chunk +=
          `${row},${(row % 99_991) / 7},${COLOURS[row % 5]},${row % 3 === 0},` +
          `2024-01-${day},customer ${row} wrote a unique comment\n`;
      }
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

it('ingests a 50 MB CSV in bounded memory', async () => {
  collectGarbage();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakLiveHeap = before.heapUsed;
  let samples = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (++samples % 10 === 0) {
      collectGarbage();
      peakLiveHeap = Math.max(peakLiveHeap, process.memoryUsage().heapUsed);
    }
  }, 20);
  const started = performance.now();
  const result = await ingestDataset({
    source: generatedCsv(),
    format: 'csv',
    store: temp.store,
    key: 'datasets/p/large.csv',
    maxBytes: 2 * TARGET_BYTES,
  });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);

  expect(result.sizeBytes).toBeGreaterThanOrEqual(TARGET_BYTES);
  expect(result.columns.map((column) => column.type)).toEqual([
    'integer',
    'number',
    'categorical',
    'boolean',
    'datetime',
    'text',
  ]);
  const [id, amount, , , , comment] = result.columns;
  expect(id).toMatchObject({ min: 1, max: result.rowCount, distinctApproximate: true });
  expect(Math.abs(id!.distinct / result.rowCount - 1)).toBeLessThan(0.03);
  expect(Math.abs(amount!.distinct / 99_991 - 1)).toBeLessThan(0.03);
  expect(Math.abs(comment!.distinct / result.rowCount - 1)).toBeLessThan(0.03);
  // Holding the file would cost at least its size; a streaming ingest stays far below.
  const growthMb = (bytes: number) => bytes / 1024 / 1024;
  console.info(
    `ingested ${growthMb(result.sizeBytes).toFixed(1)} MB in ${seconds.toFixed(2)} s: ` +
      `${(growthMb(result.sizeBytes) / seconds).toFixed(1)} MB/s; ` +
      `peak RSS +${growthMb(peakRss - before.rss).toFixed(1)} MB, ` +
      `peak live heap +${growthMb(peakLiveHeap - before.heapUsed).toFixed(1)} MB`,
  );
  expect(samples).toBeGreaterThan(20);
  // RSS also holds the garbage collector's headroom (young generation), a constant.
  expect(peakRss - before.rss).toBeLessThan(TARGET_BYTES);
  expect(peakLiveHeap - before.heapUsed).toBeLessThan(TARGET_BYTES * 0.15);
});
