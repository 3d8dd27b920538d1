import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';

const MB = 1024 * 1024;
const LARGE_BYTES = 100 * MB;
const MAX_UPLOAD_BYTES = LARGE_BYTES + MB;
let env: TestEnv;
let tenant: TestTenant;
let port: number;

beforeAll(async () => {
  env = await createTestEnv({ MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) });
  tenant = await createTenant(env);
  await env.app.listen({ port: 0, host: '127.0.0.1' });
  port = (env.app.server.address() as AddressInfo).port;
});
afterAll(() => env?.close());

async function artifactFiles(): Promise<string[]> {
  const entries = await readdir(env.config.ARTIFACT_DIR, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

/** Polls until `check` holds, or fails after `ms`: the server cleans up after the client has gone. */
async function eventually(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(25);
  }
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A chunked POST to the listening server; the caller writes the body. */
function startUpload(name: string, contentType = 'text/csv') {
  const request = http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: `/v1/datasets?name=${name}`,
    headers: { ...tenant.auth, 'content-type': contentType, 'transfer-encoding': 'chunked' },
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    request.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
  return { request, answer };
}

/** `count` CSV rows starting at `from`, of about 40 bytes each. */
function rows(from: number, count: number): string {
  let text = '';
  for (let i = from; i < from + count; i++) text += `${i},${(i % 977) / 4},label-${i % 13},row ${i}\n`;
  return text;
}

describe('uploads over a real socket', () => {
  it('leaves no dataset row and no file when the client disconnects mid-upload', async () => {
    const { request, answer } = startUpload('abandoned');
    answer.catch(() => undefined);
    request.write('id,amount,label,comment\n');
    for (let i = 0; i < 20; i++) request.write(rows(i * 5_000, 5_000));
    // Only once the server is storing the body is the disconnect truly mid-upload.
    await eventually(
      async () => (await artifactFiles()).some((file) => file.endsWith('.partial')),
      'the server is storing the upload',
    );
    request.destroy();
    await eventually(async () => (await artifactFiles()).length === 0, 'the partial upload is removed');
    // Give a late, wrongly successful ingest time to record a row before checking there is none.
    await sleep(200);
    expect(await env.deps.db.dataset.count()).toBe(0);
    expect(await artifactFiles()).toEqual([]);
  }, 60_000);

  it(`ingests a ${LARGE_BYTES / MB} MB CSV streamed over a socket with server memory far below its size`, async () => {
    const hash = createHash('sha256');
    let sent = 0;
    let row = 0;
    // Generated on demand and hashed on the way out: the file never exists whole anywhere.
    const source = new Readable({
      read() {
        if (sent >= LARGE_BYTES) {
          this.push(null);
          return;
        }
        const chunk = Buffer.from(row === 0 ? `id,amount,label,comment\n${rows(1, 2_000)}` : rows(row + 1, 2_000));
        row += 2_000;
        sent += chunk.length;
        hash.update(chunk);
        this.push(chunk);
      },
    });
    const before = process.memoryUsage();
    let peak = before.rss;
    let peakBuffers = before.arrayBuffers;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peak = Math.max(peak, now.rss);
      peakBuffers = Math.max(peakBuffers, now.arrayBuffers);
    }, 20);
    try {
      const { request, answer } = startUpload('large');
      await pipeline(source, request);
      const response = await answer;
      expect(response.status, response.body).toBe(201);
      const dataset = JSON.parse(response.body);
      expect(dataset).toMatchObject({ rowCount: row, sizeBytes: sent, sha256: hash.digest('hex') });
      expect(dataset.columns.map((column: { type: string }) => column.type)).toEqual([
        'integer',
        'number',
        'categorical',
        'text',
      ]);
      expect(dataset.columns[0]).toMatchObject({ min: 1, max: row, missing: 0 });
    } finally {
      clearInterval(sampler);
    }
    const growth = peak - before.rss;
    const buffersGrowth = peakBuffers - before.arrayBuffers;
    console.info(
      `uploaded ${(sent / MB).toFixed(0)} MB; server RSS grew by at most ${(growth / MB).toFixed(1)} MB, ` +
        `Buffer memory by at most ${(buffersGrowth / MB).toFixed(1)} MB`,
    );
    // Buffering the body anywhere (server or client) would hold at least its size in Buffers;
    // streaming holds a few chunks in flight.
    expect(buffersGrowth).toBeLessThan(LARGE_BYTES / 5);
    // RSS also takes in the garbage collector's young generation as it grows to its full size
    // (up to about 50 MB whatever the file size, depending on how grown it already was), so
    // its bound only tells streaming from holding the whole body.
    expect(growth).toBeLessThan(LARGE_BYTES * 0.8);
  }, 180_000);
});
