import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weatherParquet } from '../fixtures/datasets/build-parquet.ts';
import { startS3Server, type S3Server } from '../support/s3-server.ts';
import { createTenantEnv, type TenantEnv } from '../support/test-env.ts';
import { postDataset } from '../support/training.ts';

/**
 * Parquet uploads and datasets imported by URL, on a service whose artifact store is an S3
 * bucket (s3rver) under encryption at rest: Parquet is read back by ranged reads of sealed
 * records. Imports come from a local HTTP server on 127.0.0.1, which only the operator's
 * allowance lets the service reach, and from an allowed bucket.
 */
const MAX_UPLOAD_BYTES = 200_000;
const weatherCsv = await readFile(path.join(import.meta.dirname, '../fixtures/datasets/seattle-weather.csv'));
const parquet = weatherParquet(300);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let s3: S3Server;
let origin: http.Server;
let base: string;
let allowed: TenantEnv;
let strict: TenantEnv;

beforeAll(async () => {
  s3 = await startS3Server();
  origin = http.createServer((request, response) => {
    const route = new URL(request.url ?? '/', 'http://x').pathname;
    if (route === '/weather.csv') return response.writeHead(200, { 'content-type': 'text/csv' }).end(weatherCsv);
    if (route === '/lake/part-0.parquet')
      return response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(parquet);
    if (route === '/unnamed')
      return response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(parquet);
    if (route === '/moved') return response.writeHead(302, { location: '/weather.csv' }).end();
    if (route === '/to-metadata')
      return response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    if (route === '/to-private') return response.writeHead(307, { location: 'http://10.1.2.3/data.csv' }).end();
    if (route === '/big') return response.writeHead(200, { 'content-type': 'text/csv' }).end(Buffer.alloc(300_000, 97));
    if (route === '/big-unannounced') {
      // No Content-Length: the cap is met while the body streams.
      response.writeHead(200, { 'content-type': 'text/csv' });
      response.write('a,b\n');
      for (let i = 0; i < 40; i++) response.write(`${'1'.repeat(5000)},2\n`);
      return response.end();
    }
    response.writeHead(404).end('no such file');
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  const settings = {
    ...s3.settings('store'),
    MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES),
    IMPORT_S3_BUCKETS: s3.bucket,
  };
  allowed = await createTenantEnv({ ...settings, IMPORT_ALLOWED_ADDRESSES: '127.0.0.1' });
  strict = await createTenantEnv(settings);
});
afterAll(async () => {
  await allowed?.close();
  await strict?.close();
  await new Promise((resolve) => origin?.close(resolve));
  await s3?.close();
});

const importUrl = (env: TenantEnv, payload: object) =>
  env.env.app.inject({ method: 'POST', url: '/v1/dataset-imports', headers: env.tenant.auth, payload });

/** The project's datasets and stored dataset files: both stay empty after a refused request. */
async function kept(env: TenantEnv) {
  const listed = await env.env.app.inject({ method: 'GET', url: '/v1/datasets', headers: env.tenant.auth });
  return {
    datasets: listed.json().items.length as number,
    files: (await env.env.deps.store.list(`datasets/${env.tenant.projectId}`)).length,
  };
}

describe('Parquet uploads', () => {
  it('profile as the same table in CSV does, and refuse what is not whole Parquet, keeping nothing', async () => {
    const { env, tenant } = strict;
    const fromParquet = await postDataset(env, tenant.auth, 'w', parquet, 'application/vnd.apache.parquet');
    expect(fromParquet.statusCode, fromParquet.body).toBe(201);
    expect(fromParquet.json()).toMatchObject({ format: 'parquet', rowCount: 1461, sha256: sha256(parquet) });
    const fromCsv = await postDataset(env, tenant.auth, 'w', weatherCsv, 'text/csv');
    expect(fromParquet.json().columns).toEqual(fromCsv.json().columns);
    for (const id of [fromParquet.json().id, fromCsv.json().id])
      await env.app.inject({ method: 'DELETE', url: `/v1/datasets/${id}`, headers: tenant.auth });

    const refusals: [Buffer, string, number, RegExp][] = [
      [parquet.subarray(0, parquet.length - 50), 'application/vnd.apache.parquet', 400, /does not end with PAR1/],
      [weatherCsv, 'application/x-parquet', 400, /does not start with the Parquet magic bytes/],
      [parquet, 'text/csv', 400, /is a Parquet file .* application\/vnd\.apache\.parquet/],
      [Buffer.concat([parquet, Buffer.alloc(MAX_UPLOAD_BYTES)]), 'application/vnd.apache.parquet', 413, /limit/],
    ];
    for (const [body, type, status, detail] of refusals) {
      const response = await postDataset(env, tenant.auth, 'bad', body, type);
      expect(response.statusCode, response.body).toBe(status);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(response.json().detail).toMatch(detail);
    }
    expect(await kept(strict)).toEqual({ datasets: 0, files: 0 });
  });
});

describe('POST /v1/dataset-imports', () => {
  it('imports CSV and Parquet from an allowed address, following a redirect, as uploads would be', async () => {
    const csv = await importUrl(allowed, { url: `${base}/moved`, name: 'weather' });
    expect(csv.statusCode, csv.body).toBe(201);
    expect(csv.headers.location).toBe(`/v1/datasets/${csv.json().id}`);
    expect(csv.json()).toMatchObject({ format: 'csv', rowCount: 1461, sha256: sha256(weatherCsv) });
    // application/octet-stream: the path's extension names the format.
    const lake = await importUrl(allowed, { url: `${base}/lake/part-0.parquet`, name: 'weather' });
    expect(lake.statusCode, lake.body).toBe(201);
    expect(lake.json()).toMatchObject({ format: 'parquet', version: 2, sha256: sha256(parquet) });
    expect(lake.json().columns).toEqual(csv.json().columns);
    const unnamed = await importUrl(allowed, { url: `${base}/unnamed`, name: 'u' });
    expect(unnamed.statusCode).toBe(415);
    const said = await importUrl(allowed, { url: `${base}/unnamed`, name: 'u', format: 'parquet' });
    expect(said.statusCode, said.body).toBe(201);
  });

  it('imports from an allowed bucket with the service credentials, never from its own store', async () => {
    const client = new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1' });
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'lake/weather.parquet', Body: parquet }));
    client.destroy();
    const imported = await importUrl(allowed, { url: `s3://${s3.bucket}/lake/weather.parquet`, name: 'lake' });
    expect(imported.statusCode, imported.body).toBe(201);
    expect(imported.json()).toMatchObject({ format: 'parquet', rowCount: 1461, sha256: sha256(parquet) });
    const [ownKey] = await allowed.env.deps.store.list(`datasets/${allowed.tenant.projectId}`);
    const refusedUrls = [`s3://${s3.bucket}/store/${ownKey}`, `s3://other-bucket/lake/weather.parquet`];
    for (const url of refusedUrls) {
      const response = await importUrl(allowed, { url, name: 'x', format: 'parquet' });
      expect(response.statusCode, response.body).toBe(422);
      expect(response.json().code).toBe('import_url_refused');
    }
    const missing = await importUrl(allowed, { url: `s3://${s3.bucket}/lake/nothing.parquet`, name: 'x' });
    expect(missing.json().code).toBe('import_source_failed');
  });

  it('refuses private, link-local and loopback addresses, redirects to them, and oversize bodies, keeping nothing', async () => {
    const before = await kept(allowed);
    const cases: [TenantEnv, string, number, string][] = [
      [allowed, 'http://169.254.169.254/latest/meta-data/', 422, 'import_url_refused'],
      [allowed, 'http://10.0.0.8/data.csv', 422, 'import_url_refused'],
      [allowed, 'http://[::1]:9/data.csv', 422, 'import_url_refused'],
      [allowed, 'http://[fd00::1]/data.csv', 422, 'import_url_refused'],
      [allowed, `${base}/to-metadata`, 422, 'import_url_refused'],
      [allowed, `${base}/to-private`, 422, 'import_url_refused'],
      [allowed, 'file:///etc/passwd', 422, 'import_url_refused'],
      [allowed, `${base}/missing.csv`, 422, 'import_source_failed'],
      [allowed, `${base}/big`, 413, 'payload_too_large'],
      [allowed, `${base}/big-unannounced`, 413, 'payload_too_large'],
      // Without the operator's allowance, the service's own machine is out of reach.
      [strict, `${base}/weather.csv`, 422, 'import_url_refused'],
      [strict, `http://localhost:${new URL(base).port}/weather.csv`, 422, 'import_url_refused'],
    ];
    for (const [env, url, status, code] of cases) {
      const response = await importUrl(env, { url, name: 'refused' });
      expect(response.statusCode, `${url}: ${response.body}`).toBe(status);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(response.json().code).toBe(code);
    }
    expect(await kept(allowed)).toEqual(before);
    expect(await kept(strict)).toEqual({ datasets: 0, files: 0 });
  });
});
