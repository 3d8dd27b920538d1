import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PayloadTooLargeError } from '../errors.ts';
import { ingestDataset } from './ingest.ts';
import { useTempArtifactStore } from '../../test/support/temp-artifact-store.ts';
import { UploadAbortedError } from './store-upload.ts';

const FIXTURES = new URL('../../test/fixtures/datasets/', import.meta.url);

const PEOPLE_CSV = [
  'name,age,height,member,joined,city',
  'Ann,34,1.62,true,2021-03-04,Paris',
  'Bob,,1.80,false,2020-11-30,Lyon',
  '"Smith, Cy",28,1.75,TRUE,2022-01-15T10:00:00Z,Paris',
  'Dee,45,,false,,"Lyon"',
  'Eve,28,1.70,,2019-07-01,Nice',
  '',
].join('\n');

const temp = useTempArtifactStore('each');

/** Ingests a whole file of test/fixtures/datasets into the test's store, under `key`. */
function ingestFixture(file: string, format: 'csv' | 'ndjson', key: string) {
  const source = createReadStream(new URL(file, FIXTURES));
  return ingestDataset({ source, format, store: temp.store, key, maxBytes: 1 << 20 });
}

/** A source that sends `chunks` with a pause between them, then fails the way `end` says. */
function slowSource(chunks: string[], end: 'destroy' | 'error' | 'hang'): Readable {
  let sent = 0;
  return new Readable({
    read() {
      const chunk = chunks[sent++];
      if (chunk !== undefined) setTimeout(() => this.push(chunk), 5);
      else if (end === 'destroy') this.destroy();
      else if (end === 'error') this.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    },
  });
}

const manyLines = (count: number) => Array.from({ length: count }, (_, i) => `${i},value ${i}\n`);

describe('ingestDataset', () => {
  it('stores the body and profiles a hand-made CSV', async () => {
    const result = await ingestDataset({
      source: Readable.from([Buffer.from(PEOPLE_CSV)]),
      format: 'csv',
      store: temp.store,
      key: 'datasets/p1/people.csv',
      maxBytes: 10_000,
    });
    expect(result.rowCount).toBe(5);
    expect(result.sizeBytes).toBe(Buffer.byteLength(PEOPLE_CSV));
    expect(result.sha256).toBe(createHash('sha256').update(PEOPLE_CSV).digest('hex'));
    expect((await temp.store.read('datasets/p1/people.csv')).toString()).toBe(PEOPLE_CSV);
    const [name, age, height, member, joined, city] = result.columns;
    expect(name).toMatchObject({ name: 'name', type: 'categorical', missing: 0, distinct: 5 });
    // ages 34, 28, 45, 28: mean 33.75, squared deviations 192.75 over n - 1 = 3.
    expect(age).toMatchObject({ name: 'age', type: 'integer', missing: 1, distinct: 3, min: 28, max: 45, mean: 33.75 });
    expect(age!.std).toBeCloseTo(Math.sqrt(64.25), 12);
    expect(height).toMatchObject({ type: 'number', missing: 1, distinct: 4, min: 1.62, max: 1.8 });
    expect(height!.mean).toBeCloseTo(1.7175, 12);
    expect(height!.std).toBeCloseTo(Math.sqrt(0.017675 / 3), 12);
    expect(member).toMatchObject({ type: 'boolean', missing: 1, distinct: 2 });
    expect(member!.topValues).toEqual(
      expect.arrayContaining([
        { value: 'true', count: 2 },
        { value: 'false', count: 2 },
      ]),
    );
    expect(joined).toMatchObject({
      type: 'datetime',
      missing: 1,
      distinct: 4,
      min: '2019-07-01',
      max: '2022-01-15T10:00:00Z',
    });
    expect(city).toMatchObject({
      type: 'categorical',
      missing: 0,
      distinct: 3,
      distinctApproximate: false,
      topValues: [
        { value: 'Lyon', count: 2 },
        { value: 'Paris', count: 2 },
        { value: 'Nice', count: 1 },
      ],
    });
  });

  it('takes NDJSON columns as the union of keys in first-seen order, absent keys missing', async () => {
    const body =
      '{"id":1,"label":"a"}\n{"id":2,"score":0.5,"label":null}\n\n' +
      '{"label":"b","id":3,"ok":true}\n{"id":4,"label":"","score":1}';
    const result = await ingestDataset({
      source: Readable.from([body]),
      format: 'ndjson',
      store: temp.store,
      key: 'datasets/p1/x.ndjson',
      maxBytes: 10_000,
    });
    expect(result.rowCount).toBe(4);
    expect(result.columns.map((column) => [column.name, column.type, column.missing])).toEqual([
      ['id', 'integer', 0],
      ['label', 'categorical', 2],
      ['score', 'number', 2],
      ['ok', 'boolean', 3],
    ]);
    expect(result.columns[2]).toMatchObject({ min: 0.5, max: 1, mean: 0.75 });
  });

  it('profiles the Seattle weather fixture', async () => {
    const result = await ingestFixture('seattle-weather.csv', 'csv', 'datasets/p1/weather.csv');
    expect(result.rowCount).toBe(1461);
    expect(result.columns.map((column) => [column.name, column.type])).toEqual([
      ['date', 'datetime'],
      ['precipitation', 'number'],
      ['temp_max', 'number'],
      ['temp_min', 'number'],
      ['wind', 'number'],
      ['weather', 'categorical'],
    ]);
    expect(result.columns[0]).toMatchObject({ min: '2012-01-01', max: '2015-12-31', distinct: 1461 });
    expect(result.columns[5]!.topValues!.map((entry) => entry.value)).toEqual([
      'rain',
      'sun',
      'fog',
      'drizzle',
      'snow',
    ]);
    expect(result.sha256).toBe(
      createHash('sha256')
        .update(await readFile(new URL('seattle-weather.csv', FIXTURES)))
        .digest('hex'),
    );
  });

  it('profiles the penguins NDJSON fixture, nulls as missing', async () => {
    const result = await ingestFixture('penguins.ndjson', 'ndjson', 'datasets/p1/penguins.ndjson');
    expect(result.rowCount).toBe(344);
    const byName = Object.fromEntries(result.columns.map((column) => [column.name, column]));
    expect(byName['Species']).toMatchObject({ type: 'categorical', distinct: 3, missing: 0 });
    expect(byName['Beak Length (mm)']).toMatchObject({ type: 'number', missing: 2 });
    expect(byName['Body Mass (g)']).toMatchObject({ type: 'integer', missing: 2 });
    expect(byName['Sex']).toMatchObject({ type: 'categorical', missing: 10, distinct: 3 });
  });

  it('leaves nothing in the store when the source is destroyed mid-stream', async () => {
    const source = slowSource(['id,text\n', ...manyLines(20)], 'destroy');
    await expect(
      ingestDataset({ source, format: 'csv', store: temp.store, key: 'datasets/p1/cut.csv', maxBytes: 1 << 20 }),
    ).rejects.toBeInstanceOf(UploadAbortedError);
    expect(await temp.files()).toEqual([]);
  });

  it('leaves nothing in the store when the source fails (client disconnect)', async () => {
    const source = slowSource(['id,text\n', ...manyLines(20)], 'error');
    const error = await ingestDataset({
      source,
      format: 'csv',
      store: temp.store,
      key: 'datasets/p1/reset.csv',
      maxBytes: 1 << 20,
    }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(UploadAbortedError);
    expect((error as UploadAbortedError).status).toBe(400);
    expect(((error as Error).cause as Error).message).toBe('socket hang up');
    expect(await temp.files()).toEqual([]);
  });

  it('stops at the abort signal and leaves nothing', async () => {
    const controller = new AbortController();
    const source = slowSource(['id,text\n', ...manyLines(1_000)], 'hang');
    setTimeout(() => controller.abort(), 30);
    await expect(
      ingestDataset({
        source,
        format: 'csv',
        store: temp.store,
        key: 'datasets/p1/abort.csv',
        maxBytes: 1 << 20,
        signal: controller.signal,
      }),
    ).rejects.toBeInstanceOf(UploadAbortedError);
    expect(source.destroyed).toBe(true);
    expect(await temp.files()).toEqual([]);
  });

  it('refuses a body over maxBytes with 413 and leaves nothing', async () => {
    const lines = ['id,text\n', ...manyLines(5_000)];
    const error = await ingestDataset({
      source: Readable.from(lines),
      format: 'csv',
      store: temp.store,
      key: 'datasets/p1/big.csv',
      maxBytes: 10_000,
    }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect((error as PayloadTooLargeError).status).toBe(413);
    expect(await temp.files()).toEqual([]);
  });

  it('accepts a body of exactly maxBytes', async () => {
    const size = Buffer.byteLength(PEOPLE_CSV);
    const result = await ingestDataset({
      source: Readable.from([PEOPLE_CSV]),
      format: 'csv',
      store: temp.store,
      key: 'datasets/p1/exact.csv',
      maxBytes: size,
    });
    expect(result.sizeBytes).toBe(size);
  });

  it('rethrows a store failure as it is and leaves nothing', async () => {
    await expect(
      ingestDataset({
        source: Readable.from([PEOPLE_CSV]),
        format: 'csv',
        store: temp.store,
        key: '../escape.csv',
        maxBytes: 10_000,
      }),
    ).rejects.toThrow(/unsafe artifact key/);
    expect(await temp.files()).toEqual([]);
  });
});
