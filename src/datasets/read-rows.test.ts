import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { DatasetFormat } from './dataset-format.ts';
import { ingestDataset } from './ingest.ts';
import { readDatasetRows } from './read-rows.ts';
import { useTempArtifactStore } from '../../test/support/temp-artifact-store.ts';

const temp = useTempArtifactStore();

/** Ingests `body`, then reads it back from the store the way a training worker does. */
async function roundTrip(format: DatasetFormat, body: string | Readable, key: string) {
  const source = typeof body === 'string' ? Readable.from([Buffer.from(body)]) : body;
  const { columns } = await ingestDataset({ source, format, store: temp.store, key, maxBytes: 1 << 20 });
  return readDatasetRows({ source: temp.store.createReadStream(key), format, columns });
}

describe('readDatasetRows', () => {
  it('types CSV cells per the profiles: numbers, booleans, null for missing, strings otherwise', async () => {
    const rows = await roundTrip(
      'csv',
      'id,score,ok,when,label\n1,2.5,TRUE,2024-01-01,"a, b"\n2,,false,,x\n',
      'datasets/p/rows.csv',
    );
    expect(rows).toEqual([
      { id: 1, score: 2.5, ok: true, when: '2024-01-01', label: 'a, b' },
      { id: 2, score: null, ok: false, when: null, label: 'x' },
    ]);
  });

  it('types NDJSON rows, every profiled column present', async () => {
    const rows = await roundTrip('ndjson', '{"id":1,"tag":"a"}\n{"id":"2","flag":true}\n', 'datasets/p/rows.ndjson');
    expect(rows).toEqual([
      { id: 1, tag: 'a', flag: null },
      { id: 2, tag: null, flag: true },
    ]);
  });

  it('reads back every row of the Seattle weather fixture', async () => {
    const source = createReadStream(new URL('../../test/fixtures/datasets/seattle-weather.csv', import.meta.url));
    const rows = await roundTrip('csv', source, 'datasets/p/weather.csv');
    expect(rows).toHaveLength(1461);
    expect(rows[0]).toEqual({
      date: '2012-01-01',
      precipitation: 0,
      temp_max: 12.8,
      temp_min: 5,
      wind: 4.7,
      weather: 'drizzle',
    });
  });
});
