import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiPath } from '../../src/api/openapi.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';

let env: TestEnv;
let noRedis: TestEnv;

beforeAll(async () => {
  env = await createTestEnv();
  // Nothing listens on port 1: Redis is "down" for this app.
  noRedis = await createTestEnv({ REDIS_URL: 'redis://127.0.0.1:1' });
});
afterAll(async () => {
  await env?.close();
  await noRedis?.close();
});

describe('operations routes', () => {
  it('reports liveness without authentication', async () => {
    const response = await env.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('reports ready when PostgreSQL, Redis and the store answer', async () => {
    const response = await env.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json().status).toBe('ready');
    expect(response.json().checks).toEqual({
      database: { ok: true },
      redis: { ok: true },
      artifactStore: { ok: true },
    });
  });

  it('reports unready, naming the failing dependency, when Redis is unreachable', async () => {
    const response = await noRedis.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json().status).toBe('unready');
    expect(response.json().checks.redis.ok).toBe(false);
    expect(response.json().checks.database.ok).toBe(true);
  });

  it('serves the API reference and its document', async () => {
    // The reference page itself, not a redirect to it.
    const page = await env.app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const spec = await env.app.inject({ method: 'GET', url: '/docs/json', headers: { 'x-request-id': 'docs-1' } });
    expect(spec.statusCode).toBe(200);
    expect(spec.headers['x-request-id']).toBe('docs-1');
    // The committed document, which the generation test keeps equal to the routes' schemas.
    expect(spec.json()).toEqual(parse(await readFile(openApiPath, 'utf8')));
    const yaml = await env.app.inject({ method: 'GET', url: '/docs/yaml' });
    expect(parse(yaml.body)).toEqual(spec.json());
    // The page's own scripts and styles.
    const css = await env.app.inject({ method: 'GET', url: '/docs/static/swagger-ui.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toContain('text/css');
    const missing = await env.app.inject({
      method: 'GET',
      url: '/docs/static/no-such-file.js',
      headers: { 'x-request-id': 'docs-2' },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.json().requestId).toBe('docs-2');
  });

  it('echoes a sane client request id and makes one otherwise', async () => {
    const given = await env.app.inject({ method: 'GET', url: '/v1/nowhere', headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers['x-request-id']).toBe('abc-123');
    expect(given.json().requestId).toBe('abc-123');
    const made = await env.app.inject({
      method: 'GET',
      url: '/v1/nowhere',
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
