import { readdir } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';

const MAX_UPLOAD_BYTES = 1000;
let env: TestEnv;
let tenant: TestTenant;

beforeAll(async () => {
  env = await createTestEnv({ MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) });
  tenant = await createTenant(env);
});
afterAll(() => env?.close());

async function artifactFiles(): Promise<string[]> {
  const entries = await readdir(env.config.ARTIFACT_DIR, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(env.config.ARTIFACT_DIR, path.join(entry.parentPath, entry.name)));
}

// Every test here sends bad input: each must leave no Dataset row and no file (not even a temp one).
beforeEach(async () => {
  expect(await env.deps.db.dataset.count()).toBe(0);
  return async () => {
    expect(await env.deps.db.dataset.count()).toBe(0);
    expect(await artifactFiles()).toEqual([]);
  };
});

function expectProblem(response: LightMyRequestResponse, status: number, code: string) {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toContain('application/problem+json');
  const problem = response.json();
  expect(problem).toMatchObject({ status, code, detail: expect.any(String), requestId: expect.any(String) });
  return problem as { detail: string; line?: number; [key: string]: unknown };
}

function upload(body: Buffer | string, contentType = 'text/csv', query = '?name=bad') {
  return env.app.inject({
    method: 'POST',
    url: `/v1/datasets${query}`,
    headers: { ...tenant.auth, 'content-type': contentType },
    payload: body,
  });
}

function multipart(parts: { name: string; value: Buffer | string; filename?: string }[]) {
  const boundary = 'maas-test-boundary';
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const filename = part.filename ? `; filename="${part.filename}"` : '';
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${filename}\r\n\r\n`),
      Buffer.from(part.value),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return env.app.inject({
    method: 'POST',
    url: '/v1/datasets',
    headers: { ...tenant.auth, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat(chunks),
  });
}

/** A valid CSV of `bytes` bytes or a little more. */
function csvOfSize(bytes: number): string {
  let csv = 'id,value\n';
  for (let i = 0; csv.length < bytes; i++) csv += `${i},${i * 2}\n`;
  return csv;
}

describe('bad dataset bodies answer 400 and store nothing', () => {
  it('refuses an empty body', async () => {
    expect(expectProblem(await upload(''), 400, 'invalid_dataset').detail).toMatch(/empty/);
  });

  it('refuses a ragged row and says which line', async () => {
    const problem = expectProblem(await upload('a,b\n1,2\n3,4\n5\n6,7\n'), 400, 'invalid_dataset');
    expect(problem.line).toBe(4);
    expect(problem.detail).toContain('Line 4');
  });

  it('refuses invalid UTF-8 and says where', async () => {
    const body = Buffer.concat([Buffer.from('name,city\nann,'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]);
    const problem = expectProblem(await upload(body), 400, 'invalid_dataset');
    expect(problem.detail).toMatch(/UTF-8/);
    expect(problem.line).toBe(2);
  });

  it('refuses blank and duplicate header names', async () => {
    expect(expectProblem(await upload('a,,c\n1,2,3\n'), 400, 'invalid_dataset').detail).toMatch(/blank/);
    expect(expectProblem(await upload('a, \n1,2\n'), 400, 'invalid_dataset').detail).toMatch(/blank/);
    expect(expectProblem(await upload('a,b,a\n1,2,3\n'), 400, 'invalid_dataset').detail).toMatch(/'a'.*unique/);
  });

  it('refuses a header without data rows, and NDJSON without objects', async () => {
    expect(expectProblem(await upload('a,b\n'), 400, 'invalid_dataset').detail).toMatch(/no data rows/);
    expect(expectProblem(await upload('\n\n', 'application/x-ndjson'), 400, 'invalid_dataset').detail).toMatch(
      /no rows/,
    );
    expect(expectProblem(await upload('{"a":1}\n[1]\n', 'application/x-ndjson'), 400, 'invalid_dataset').line).toBe(2);
  });

  it('refuses a ZIP body that is not an archive (400) or is past MAX_UPLOAD_BYTES (413)', async () => {
    expectProblem(await upload('definitely,not\na,zip\n', 'application/zip'), 400, 'invalid_dataset');
    const problem = expectProblem(
      await upload(Buffer.alloc(MAX_UPLOAD_BYTES + 1), 'application/x-zip-compressed'),
      413,
      'payload_too_large',
    );
    expect(problem.limitBytes).toBe(MAX_UPLOAD_BYTES);
  });

  it('refuses a multipart body whose file is malformed', async () => {
    const problem = expectProblem(
      await multipart([
        { name: 'name', value: 'bad' },
        { name: 'file', value: 'a,b\n1\n', filename: 'bad.csv' },
      ]),
      400,
      'invalid_dataset',
    );
    expect(problem.line).toBe(2);
  });
});

describe('bad requests', () => {
  it('answers 415 to an unsupported content type, raw or as a multipart file', async () => {
    expectProblem(await upload('a\n1\n', 'text/plain'), 415, 'unsupported_media_type');
    expectProblem(await upload('{"a":1}', 'application/json'), 415, 'unsupported_media_type');
    expectProblem(
      await multipart([
        { name: 'name', value: 'x' },
        { name: 'file', value: 'a\n1\n', filename: 'data.xlsx' },
      ]),
      415,
      'unsupported_media_type',
    );
  });

  it('answers 400 when the name is missing or invalid', async () => {
    const raw = expectProblem(await upload('a\n1\n', 'text/csv', ''), 400, 'validation_failed');
    expect(raw.issues).toEqual([expect.objectContaining({ path: 'querystring.name' })]);
    expectProblem(await multipart([{ name: 'file', value: 'a\n1\n', filename: 'data.csv' }]), 400, 'validation_failed');
    expectProblem(await upload('a\n1\n', 'text/csv', '?name=%2E%2E%2Fetc%2Fpasswd'), 400, 'validation_failed');
    expectProblem(await multipart([{ name: 'name', value: 'x' }]), 400, 'validation_failed');
  });

  it('answers 413 past MAX_UPLOAD_BYTES for a raw body, and accepts one at the limit', async () => {
    const problem = expectProblem(await upload(csvOfSize(MAX_UPLOAD_BYTES + 1)), 413, 'payload_too_large');
    expect(problem.limitBytes).toBe(MAX_UPLOAD_BYTES);
    const atLimit = csvOfSize(MAX_UPLOAD_BYTES - 20);
    const body = atLimit + '9'.repeat(MAX_UPLOAD_BYTES - atLimit.length - 3) + ',1\n';
    expect(body.length).toBe(MAX_UPLOAD_BYTES);
    const accepted = await upload(body);
    expect(accepted.statusCode, accepted.body).toBe(201);
    // Clean up so the after-each check (nothing stored) holds.
    const deleted = await env.app.inject({
      method: 'DELETE',
      url: `/v1/datasets/${accepted.json().id}`,
      headers: tenant.auth,
    });
    expect(deleted.statusCode).toBe(200);
  });

  it('answers 413 past MAX_UPLOAD_BYTES for a multipart file, however the cut falls', async () => {
    for (const size of [MAX_UPLOAD_BYTES + 1, MAX_UPLOAD_BYTES + 7, 3 * MAX_UPLOAD_BYTES]) {
      const response = await multipart([
        { name: 'name', value: 'big' },
        { name: 'file', value: csvOfSize(size), filename: 'big.csv' },
      ]);
      expectProblem(response, 413, 'payload_too_large');
    }
  });

  it('answers 413 over a real socket while the client is still sending a raw body', async () => {
    await env.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = env.app.server.address() as AddressInfo;
    const request = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/v1/datasets?name=big',
      headers: { ...tenant.auth, 'content-type': 'text/csv', 'transfer-encoding': 'chunked' },
    });
    request.on('error', () => undefined); // the server closes the connection after answering
    const answer = new Promise<{ status: number; type: string; body: string }>((resolve) => {
      request.on('response', (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode!, type: String(response.headers['content-type']), body }),
        );
      });
    });
    let answered = false;
    void answer.then(() => (answered = true));
    // Rows trickle in, so the limit is crossed mid-body and the answer must not wait for its end.
    let sent = 0;
    for (let i = 0; !answered && i < 400; i++) {
      const chunk = i === 0 ? 'id,value\n' : `${i},${i * 2}\n`.repeat(10);
      request.write(chunk);
      sent += chunk.length;
      await sleep(5);
    }
    const response = await answer;
    request.destroy();
    expect(response.status).toBe(413);
    expect(response.type).toContain('application/problem+json');
    expect(JSON.parse(response.body)).toMatchObject({
      code: 'payload_too_large',
      detail: expect.any(String),
      requestId: expect.any(String),
    });
    expect(sent).toBeGreaterThan(MAX_UPLOAD_BYTES);
    // The client never finished: the server answered while it was still sending.
    expect(request.writableEnded).toBe(false);
  });

  it('answers 401 without a key', async () => {
    const response = await env.app.inject({
      method: 'POST',
      url: '/v1/datasets?name=x',
      headers: { 'content-type': 'text/csv' },
      payload: 'a\n1\n',
    });
    expectProblem(response, 401, 'unauthorized');
  });
});
