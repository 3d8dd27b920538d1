import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ingestDataset } from '../src/datasets/ingest.ts';
import { LocalArtifactStore } from '../src/storage/local-artifact-store.ts';

const MB = 1024 * 1024;

/** A generated CSV of `bytes` bytes, produced row block by row block, never held whole. */
function generatedCsv(bytes: number): Readable {
  let sent = 0;
  let row = 0;
  return new Readable({
    read() {
      if (sent >= bytes) return void this.push(null);
      const lines: string[] = sent === 0 ? ['id,amount,colour,flag,day,comment'] : [];
      for (let i = 0; i < 1000; i++, row++) lines.push(`${row},${(row * 0.37).toFixed(2)},${['red', 'green', 'blue'][row % 3]},${row % 2 === 0},2024-01-${String((row % 28) + 1).padStart(2, '0')},note ${row}`);
      const chunk = `${lines.join('\n')}\n`;
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

/** Used by bench/run.ts when bench/ingest.ts (the datasets work's own benchmark) is absent. */
export async function benchIngest(opts: { sizeMb: number }): Promise<{ mbPerSecond: number; peakRssMb: number; rows: number }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'maas-bench-ingest-'));
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  try {
    const started = performance.now();
    const result = await ingestDataset({ source: generatedCsv(opts.sizeMb * MB), format: 'csv', store: new LocalArtifactStore(root), key: 'bench.csv', maxBytes: 2 * opts.sizeMb * MB });
    const seconds = (performance.now() - started) / 1000;
    return { mbPerSecond: result.sizeBytes / MB / seconds, peakRssMb: Math.max(peak, process.memoryUsage().rss) / MB, rows: result.rowCount };
  } finally {
    clearInterval(sampler);
    await rm(root, { recursive: true, force: true });
  }
}
