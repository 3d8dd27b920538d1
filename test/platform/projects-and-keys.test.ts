import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createTestEnv, type TestEnv } from '../support/test-env.ts';

let env: TestEnv;
let admin: { authorization: string };

beforeAll(async () => {
  env = await createTestEnv();
  admin = { authorization: `Bearer ${env.adminToken}` };
});
afterAll(() => env?.close());

describe('projects and API keys', () => {
  it('creates a project with the admin token and refuses it without', async () => {
    const created = await env.app.inject({
      method: 'POST',
      url: '/v1/projects',
      headers: admin,
      payload: { name: 'shop' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: 'shop', id: expect.any(String) });

    const anonymous = await env.app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'x' } });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['content-type']).toContain('application/problem+json');
    expect(anonymous.json()).toMatchObject({ status: 401, code: 'unauthorized', requestId: expect.any(String) });

    const wrong = await env.app.inject({
      method: 'POST',
      url: '/v1/projects',
      headers: { authorization: 'Bearer not-the-token-at-all' },
      payload: { name: 'x' },
    });
    expect(wrong.statusCode).toBe(401);
  });

  it('rejects unknown fields in JSON bodies with per-field issues', async () => {
    const response = await env.app.inject({
      method: 'POST',
      url: '/v1/projects',
      headers: admin,
      payload: { name: 'a', colour: 'red' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'validation_failed' });
    expect(response.json().issues.length).toBeGreaterThan(0);
  });

  it('shows a key once, stores only its hash, and lists keys without secrets', async () => {
    const tenant = await createTenant(env);
    expect(tenant.key).toMatch(/^maas_/);
    const rows = await env.deps.db.apiKey.findMany({ where: { projectId: tenant.projectId } });
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(tenant.key);
    expect(tenant.key.startsWith(rows[0]!.prefix)).toBe(true);

    const list = await env.app.inject({
      method: 'GET',
      url: `/v1/projects/${tenant.projectId}/api-keys`,
      headers: admin,
    });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(tenant.key);
    expect(list.json().items[0]).toMatchObject({ prefix: rows[0]!.prefix, scopes: ['read', 'write', 'predict'] });
  });

  it('answers 401 for a revoked or expired key and 403 for a missing scope', async () => {
    const tenant = await createTenant(env, ['read']);
    const ok = await env.app.inject({ method: 'GET', url: '/v1/datasets', headers: tenant.auth });
    expect(ok.statusCode).toBe(200);

    const forbidden = await env.app.inject({
      method: 'POST',
      url: '/v1/datasets?name=x',
      headers: { ...tenant.auth, 'content-type': 'text/csv' },
      payload: 'a\n1\n',
    });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().code).toBe('forbidden');

    const keys = await env.app.inject({
      method: 'GET',
      url: `/v1/projects/${tenant.projectId}/api-keys`,
      headers: admin,
    });
    const keyId = keys.json().items[0].id;
    const revoked = await env.app.inject({
      method: 'DELETE',
      url: `/v1/projects/${tenant.projectId}/api-keys/${keyId}`,
      headers: admin,
    });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).not.toBeNull();
    const after = await env.app.inject({ method: 'GET', url: '/v1/datasets', headers: tenant.auth });
    expect(after.statusCode).toBe(401);

    const expiring = await env.app.inject({
      method: 'POST',
      url: `/v1/projects/${tenant.projectId}/api-keys`,
      headers: admin,
      payload: { name: 'old', scopes: ['read'], expiresAt: new Date(Date.now() - 1000).toISOString() },
    });
    const expired = await env.app.inject({
      method: 'GET',
      url: '/v1/datasets',
      headers: { authorization: `Bearer ${expiring.json().key}` },
    });
    expect(expired.statusCode).toBe(401);
  });

  it('lets a project admin key manage its own keys but answers 404 for another project', async () => {
    const mine = await createTenant(env, ['admin']);
    const other = await createTenant(env);
    const own = await env.app.inject({
      method: 'GET',
      url: `/v1/projects/${mine.projectId}/api-keys`,
      headers: mine.auth,
    });
    expect(own.statusCode).toBe(200);
    const foreign = await env.app.inject({
      method: 'GET',
      url: `/v1/projects/${other.projectId}/api-keys`,
      headers: mine.auth,
    });
    expect(foreign.statusCode).toBe(404);
    const createProject = await env.app.inject({
      method: 'POST',
      url: '/v1/projects',
      headers: mine.auth,
      payload: { name: 'x' },
    });
    expect(createProject.statusCode).toBe(403);
  });

  it('refuses the admin token on project data routes', async () => {
    const response = await env.app.inject({ method: 'GET', url: '/v1/datasets', headers: admin });
    expect(response.statusCode).toBe(403);
  });

  it('answers unknown routes with problem+json', async () => {
    const response = await env.app.inject({ method: 'GET', url: '/v1/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ code: 'route_not_found', status: 404 });
  });

  it('paginates lists with a cursor', async () => {
    for (let i = 0; i < 3; i++)
      await env.app.inject({ method: 'POST', url: '/v1/projects', headers: admin, payload: { name: `page-${i}` } });
    const first = await env.app.inject({ method: 'GET', url: '/v1/projects?limit=2', headers: admin });
    expect(first.json().items).toHaveLength(2);
    const cursor = first.json().nextCursor;
    expect(cursor).toEqual(expect.any(String));
    const second = await env.app.inject({
      method: 'GET',
      url: `/v1/projects?limit=2&cursor=${cursor}`,
      headers: admin,
    });
    const ids = new Set([...first.json().items, ...second.json().items].map((p: { id: string }) => p.id));
    expect(ids.size).toBe(first.json().items.length + second.json().items.length);
  });
});
