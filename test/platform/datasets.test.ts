import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetArtifactKey } from '../../src/datasets/dataset-catalog.ts';
import { createTenant, createTenantEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';
import { postDataset } from '../support/training.ts';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/datasets');
let env: TestEnv;
let tenant: TestTenant;
let close: (() => Promise<void>) | undefined;
let weather: Buffer;
let penguins: Buffer;

beforeAll(async () => {
  ({ env, tenant, close } = await createTenantEnv());
  weather = await readFile(path.join(FIXTURES, 'seattle-weather.csv'));
  penguins = await readFile(path.join(FIXTURES, 'penguins.ndjson'));
});
afterAll(() => close?.());

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

async function artifactFiles(): Promise<string[]> {
  const entries = await readdir(env.config.ARTIFACT_DIR, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(env.config.ARTIFACT_DIR, path.join(entry.parentPath, entry.name)));
}

const uploadCsv = (name: string, body: Buffer | string, auth = tenant.auth) =>
  postDataset(env, auth, name, body, 'text/csv');

/** Posts the parts as a multipart/form-data upload to `url`. */
function uploadMultipart(url: string, parts: { name: string; value: Buffer | string; filename?: string }[]) {
  const boundary = `----maas${Date.now()}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`;
    const type = part.filename ? 'Content-Type: application/octet-stream\r\n' : '';
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`),
      Buffer.from(part.value),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return env.app.inject({
    method: 'POST',
    url,
    headers: { ...tenant.auth, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat(chunks),
  });
}

/** Column stats computed here independently of the profiler, from the fixture's plain CSV. */
function numericStats(csv: string, column: string) {
  const [header, ...lines] = csv.trim().split('\n');
  const index = header!.split(',').indexOf(column);
  const values = lines.map((line) => Number(line.split(',')[index]));
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
  return { min: Math.min(...values), max: Math.max(...values), mean, std, distinct: new Set(values).size };
}

describe('POST /v1/datasets', () => {
  it('streams a CSV body and answers 201 with the row count, column schema, sha256 and size', async () => {
    const response = await uploadCsv('weather', weather);
    expect(response.statusCode).toBe(201);
    const dataset = response.json();
    expect(response.headers.location).toBe(`/v1/datasets/${dataset.id}`);
    expect(dataset).toMatchObject({
      name: 'weather',
      version: 1,
      format: 'csv',
      rowCount: 1461,
      sizeBytes: weather.length,
      sha256: sha256(weather),
    });
    const byName = Object.fromEntries(dataset.columns.map((column: { name: string }) => [column.name, column]));
    expect(dataset.columns.map((column: { name: string; type: string }) => `${column.name}:${column.type}`)).toEqual([
      'date:datetime',
      'precipitation:number',
      'temp_max:number',
      'temp_min:number',
      'wind:number',
      'weather:categorical',
    ]);
    const expected = numericStats(weather.toString(), 'temp_max');
    expect(byName.temp_max).toMatchObject({
      missing: 0,
      distinct: expected.distinct,
      min: expected.min,
      max: expected.max,
    });
    expect(byName.temp_max.mean).toBeCloseTo(expected.mean, 9);
    expect(byName.temp_max.std).toBeCloseTo(expected.std, 9);
    expect(byName.date).toMatchObject({ min: '2012-01-01', max: '2015-12-31', distinct: 1461 });
    const rainDays = weather
      .toString()
      .split('\n')
      .filter((line) => line.endsWith(',rain')).length;
    expect(byName.weather.distinct).toBe(5);
    expect(byName.weather.topValues[0]).toEqual({ value: 'rain', count: rainDays });
    // The stored bytes are exactly what was sent, once decrypted by the store (on disk they are sealed).
    const key = datasetArtifactKey(tenant.projectId, dataset.id, 'csv');
    expect(sha256(await env.deps.store.read(key))).toBe(sha256(weather));
    expect((await readFile(path.join(env.config.ARTIFACT_DIR, key))).includes(weather.subarray(0, 200))).toBe(false);
  });

  it('infers integer and boolean columns and counts missing cells', async () => {
    const csv = 'id,active,score,comment\n1,true,3.5,\n2,False,,hello\n3,TRUE,4,\n';
    const response = await uploadCsv('small', csv);
    expect(response.statusCode).toBe(201);
    const [id, active, score, comment] = response.json().columns;
    expect(id).toMatchObject({ type: 'integer', min: 1, max: 3, mean: 2, std: 1, distinct: 3, missing: 0 });
    expect(active).toMatchObject({
      type: 'boolean',
      distinct: 2,
      topValues: [
        { value: 'true', count: 2 },
        { value: 'false', count: 1 },
      ],
    });
    expect(score).toMatchObject({ type: 'number', missing: 1, min: 3.5, max: 4, mean: 3.75 });
    expect(comment).toMatchObject({ missing: 2, distinct: 1 });
  });

  it('accepts an NDJSON body', async () => {
    const response = await postDataset(env, tenant.auth, 'penguins', penguins, 'application/x-ndjson');
    expect(response.statusCode).toBe(201);
    const dataset = response.json();
    expect(dataset).toMatchObject({
      format: 'ndjson',
      rowCount: 344,
      sha256: sha256(penguins),
      sizeBytes: penguins.length,
    });
    const species = dataset.columns.find((column: { name: string }) => column.name === 'Species');
    expect(species).toMatchObject({ type: 'categorical', distinct: 3 });
    const mass = dataset.columns.find((column: { name: string }) => column.name === 'Body Mass (g)');
    expect(mass).toMatchObject({ type: 'integer', missing: 2 });
  });

  it('accepts multipart with the name as a form field, and with the name in the query', async () => {
    const response = await uploadMultipart('/v1/datasets', [
      { name: 'name', value: 'weather-form' },
      { name: 'file', value: weather, filename: 'weather.csv' },
    ]);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      name: 'weather-form',
      rowCount: 1461,
      sha256: sha256(weather),
      sizeBytes: weather.length,
    });

    const second = await uploadMultipart('/v1/datasets?name=penguins-form', [
      { name: 'file', value: penguins, filename: 'penguins.jsonl' },
    ]);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toMatchObject({
      name: 'penguins-form',
      format: 'ndjson',
      rowCount: 344,
      sha256: sha256(penguins),
    });
  });

  it('makes the same name the next version, and concurrent uploads distinct consecutive versions', async () => {
    const first = await uploadCsv('versioned', 'a\n1\n');
    const second = await uploadCsv('versioned', 'a\n2\n');
    expect([first.json().version, second.json().version]).toEqual([1, 2]);
    const racing = await Promise.all(Array.from({ length: 6 }, (_, i) => uploadCsv('versioned', `a\n${i}\n`)));
    expect(racing.map((response) => response.statusCode)).toEqual(Array(6).fill(201));
    expect(racing.map((response) => response.json().version as number).sort((a, b) => a - b)).toEqual([
      3, 4, 5, 6, 7, 8,
    ]);
    // Another project's versions of the same name are its own.
    const other = await createTenant(env);
    expect((await uploadCsv('versioned', 'a\n1\n', other.auth)).json().version).toBe(1);
  });
});

describe('GET and DELETE /v1/datasets', () => {
  it('lists newest first, page by page, and filters by name', async () => {
    const owner = await createTenant(env);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await uploadCsv(i < 3 ? 'paged' : 'other', `x\n${i}\n`, owner.auth)).json().id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `limit=2&cursor=${cursor}` : 'limit=2';
      const page = await env.app.inject({ method: 'GET', url: `/v1/datasets?${query}`, headers: owner.auth });
      expect(page.statusCode).toBe(200);
      expect(page.json().items.length).toBeLessThanOrEqual(2);
      seen.push(...page.json().items.map((item: { id: string }) => item.id));
      cursor = page.json().nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    const filtered = await env.app.inject({ method: 'GET', url: '/v1/datasets?name=paged', headers: owner.auth });
    expect(filtered.json().items.map((item: { version: number }) => item.version)).toEqual([3, 2, 1]);
    expect(filtered.json().nextCursor).toBeNull();
  });

  it('gets one dataset, and deletes its metadata and its bytes', async () => {
    const created = (await uploadCsv('doomed', weather)).json();
    const file = datasetArtifactKey(tenant.projectId, created.id, 'csv');
    const got = await env.app.inject({ method: 'GET', url: `/v1/datasets/${created.id}`, headers: tenant.auth });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(created);
    expect(await artifactFiles()).toContain(file);

    const deleted = await env.app.inject({ method: 'DELETE', url: `/v1/datasets/${created.id}`, headers: tenant.auth });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json().id).toBe(created.id);
    expect(await env.deps.db.dataset.findUnique({ where: { id: created.id } })).toBeNull();
    expect(await artifactFiles()).not.toContain(file);
    const gone = await env.app.inject({ method: 'GET', url: `/v1/datasets/${created.id}`, headers: tenant.auth });
    expect(gone.statusCode).toBe(404);
  });

  it("answers 404 for another project's dataset on GET and DELETE, and keeps it", async () => {
    const created = (await uploadCsv('private', 'a\n1\n')).json();
    const stranger = await createTenant(env);
    for (const method of ['GET', 'DELETE'] as const) {
      const response = await env.app.inject({ method, url: `/v1/datasets/${created.id}`, headers: stranger.auth });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({
        code: 'not_found',
        detail: expect.any(String),
        requestId: expect.any(String),
      });
    }
    const listed = await env.app.inject({ method: 'GET', url: '/v1/datasets', headers: stranger.auth });
    expect(listed.json().items).toEqual([]);
    expect(await env.deps.db.dataset.findUnique({ where: { id: created.id } })).not.toBeNull();
  });

  it('answers 403 to a key without the write scope, on upload and delete, storing nothing', async () => {
    const reader = await createTenant(env, ['read']);
    const before = await artifactFiles();
    const upload = await uploadCsv('denied', 'a\n1\n', reader.auth);
    expect(upload.statusCode).toBe(403);
    expect(upload.headers['content-type']).toContain('application/problem+json');
    expect(upload.json()).toMatchObject({
      code: 'forbidden',
      detail: expect.any(String),
      requestId: expect.any(String),
    });
    expect(await env.deps.db.dataset.count({ where: { projectId: reader.projectId } })).toBe(0);
    expect(await artifactFiles()).toEqual(before);
  });
});
