import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildService } from '../../scripts/build.mjs';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';

let env: TestEnv;
beforeAll(async () => {
  await buildService();
  env = await createTestEnv();
});
afterAll(async () => {
  await env?.close();
});

const get = (url: string) => env.app.inject({ method: 'GET', url });

describe('the console at /ui (static files from npm run build)', () => {
  it('serves the page and its bundle without a key, under a strict Content-Security-Policy', async () => {
    expect((await get('/ui')).headers.location).toBe('/ui/');
    const page = await get('/ui/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers['x-frame-options']).toBe('DENY');
    // No inline script: every script comes from a file of this origin.
    expect(page.body).toMatch(/<script type="module" src="\/ui\/app.js"><\/script>/);
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const bundle = await get('/ui/app.js');
    expect(bundle.statusCode).toBe(200);
    expect(bundle.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/ui/console.css')).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('answers 404 problem+json for anything else, paths out of the folder included', async () => {
    for (const url of [
      '/ui/nothing.js',
      '/ui/..%2F..%2Fpackage.json',
      '/ui/.fingerprint',
      '/ui/%2E%2E',
      '/ui/app.ts',
    ]) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toContain('application/problem+json');
    }
  });
});
