import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';
import { postDataset } from '../support/training.ts';

let env: TestEnv;
let admin: { authorization: string };
let mine: TestTenant;
let theirs: TestTenant;
let theirDataset: string;
let theirJob: string;

const CSV = 'x,y\n1,a\n2,b\n3,a\n4,b\n5,a\n6,b\n7,a\n8,b\n9,a\n10,b\n';

async function upload(tenant: TestTenant, name: string): Promise<string> {
  const response = await postDataset(env, tenant.auth, name, CSV, 'text/csv');
  expect(response.statusCode).toBe(201);
  return response.json().id as string;
}

async function submitJob(tenant: TestTenant, datasetId: string): Promise<string> {
  const response = await env.app.inject({
    method: 'POST',
    url: '/v1/training-jobs',
    headers: tenant.auth,
    payload: { datasetId, target: 'y', modelName: 'm', model: { type: 'logistic', epochs: 1 } },
  });
  expect(response.statusCode).toBe(202);
  return response.json().id as string;
}

beforeAll(async () => {
  env = await createTestEnv();
  admin = { authorization: `Bearer ${env.adminToken}` };
  [mine, theirs] = [await createTenant(env), await createTenant(env)];
  for (const name of ['a', 'b', 'c']) await submitJob(mine, await upload(mine, name));
  theirDataset = await upload(theirs, 'theirs');
  theirJob = await submitJob(theirs, theirDataset);
});
afterAll(() => env?.close());

const get = (url: string, headers: Record<string, string>) => env.app.inject({ method: 'GET', url, headers });

function expectInvalidCursor(response: Awaited<ReturnType<typeof get>>) {
  expect(response.statusCode).toBe(400);
  expect(response.headers['content-type']).toContain('application/problem+json');
  expect(response.json()).toMatchObject({
    code: 'invalid_cursor',
    issues: [{ path: 'querystring.cursor', message: expect.any(String) }],
  });
}

describe('list cursors', () => {
  it('refuse another project’s ids and unknown ids alike, on every list', async () => {
    const theirKey = (await get(`/v1/projects/${theirs.projectId}/api-keys`, admin)).json().items[0].id as string;
    for (const cursor of [theirDataset, randomUUID()])
      expectInvalidCursor(await get(`/v1/datasets?limit=1&cursor=${cursor}`, mine.auth));
    for (const cursor of [theirJob, randomUUID()])
      expectInvalidCursor(await get(`/v1/training-jobs?limit=1&cursor=${cursor}`, mine.auth));
    for (const cursor of [theirKey, randomUUID()])
      expectInvalidCursor(await get(`/v1/projects/${mine.projectId}/api-keys?cursor=${cursor}`, admin));
    expectInvalidCursor(await get(`/v1/projects?cursor=${randomUUID()}`, admin));
    // Model lists page by name: a name that is none of the caller's models is no cursor either.
    expectInvalidCursor(await get('/v1/models?cursor=m', mine.auth));
  });

  it('still page through the caller’s own rows', async () => {
    for (const list of ['/v1/datasets', '/v1/training-jobs']) {
      const first = (await get(`${list}?limit=2`, mine.auth)).json();
      expect(first.items).toHaveLength(2);
      const second = await get(`${list}?limit=2&cursor=${first.nextCursor}`, mine.auth);
      expect(second.statusCode).toBe(200);
      expect(second.json()).toMatchObject({ items: [expect.any(Object)], nextCursor: null });
      expect(second.json().items[0].id).not.toBe(first.items[1].id);
    }
    const projects = (await get('/v1/projects?limit=1', admin)).json();
    expect((await get(`/v1/projects?limit=1&cursor=${projects.nextCursor}`, admin)).statusCode).toBe(200);
  });
});

describe('multipart uploads', () => {
  it('refuse a multipart/form-data body without a boundary with a 400 and store nothing', async () => {
    const response = await env.app.inject({
      method: 'POST',
      url: '/v1/datasets?name=no-boundary',
      headers: { ...mine.auth, 'content-type': 'multipart/form-data' },
      payload: '--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nx,y\n1,2\n\r\n--x--\r\n',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({
      code: 'validation_failed',
      issues: [{ path: 'headers.content-type', message: 'has no boundary' }],
    });
    expect(await env.deps.db.dataset.count({ where: { name: 'no-boundary' } })).toBe(0);
  });
});

describe('API keys', () => {
  it('refuse an expiry in the past and create none', async () => {
    const before = await env.deps.db.apiKey.count({ where: { projectId: mine.projectId } });
    const response = await env.app.inject({
      method: 'POST',
      url: `/v1/projects/${mine.projectId}/api-keys`,
      headers: admin,
      payload: { name: 'born-expired', expiresAt: new Date(Date.now() - 60_000).toISOString() },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'validation_failed',
      issues: [{ path: 'body.expiresAt', message: 'must be in the future' }],
    });
    expect(await env.deps.db.apiKey.count({ where: { projectId: mine.projectId } })).toBe(before);

    const future = await env.app.inject({
      method: 'POST',
      url: `/v1/projects/${mine.projectId}/api-keys`,
      headers: admin,
      payload: { name: 'expires-later', expiresAt: new Date(Date.now() + 3600_000).toISOString() },
    });
    expect(future.statusCode).toBe(201);
  });
});
