import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepAuditEvents } from '../../src/audit/audit-log.ts';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';

let env: TestEnv;
let admin: { authorization: string };
let owner: TestTenant;
let other: TestTenant;

const csv = 'x,y\n1,2\n3,4\n5,6\n';

interface AuditEventBody {
  id: string;
  projectId: string | null;
  actor: { type: string; keyId: string | null };
  action: string;
  resourceId: string | null;
  statusCode: number | null;
  outcome: string;
  requestId: string | null;
}

async function events(auth: Record<string, string>, query = '') {
  const response = await env.app.inject({ method: 'GET', url: `/v1/audit-events${query}`, headers: auth });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { items: AuditEventBody[]; nextCursor: string | null };
}

async function sql(text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: env.config.DATABASE_URL });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  env = await createTestEnv();
  admin = { authorization: `Bearer ${env.adminToken}` };
  owner = await createTenant(env, ['read', 'write', 'predict', 'admin']);
  other = await createTenant(env, ['read', 'write', 'predict', 'admin']);
});
afterAll(() => env?.close());

describe('the audit log', () => {
  it('records creates and deletes with actor, resource, outcome, request id and client address', async () => {
    const keyId = (await env.deps.db.apiKey.findFirstOrThrow({ where: { projectId: owner.projectId } })).id;
    const created = await env.app.inject({
      method: 'POST',
      url: '/v1/datasets?name=audited',
      headers: { ...owner.auth, 'content-type': 'text/csv', 'x-request-id': 'req-create-1' },
      payload: csv,
    });
    expect(created.statusCode).toBe(201);
    const datasetId = created.json().id as string;
    const deleted = await env.app.inject({
      method: 'DELETE',
      url: `/v1/datasets/${datasetId}`,
      headers: { ...owner.auth, 'x-request-id': 'req-delete-1' },
    });
    expect(deleted.statusCode).toBe(200);

    const { items } = await events(owner.auth);
    const create = items.find((e) => e.requestId === 'req-create-1');
    expect(create).toMatchObject({
      projectId: owner.projectId,
      actor: { type: 'key', keyId },
      action: 'datasets.create',
      resourceId: datasetId,
      method: 'POST',
      path: '/v1/datasets',
      statusCode: 201,
      outcome: 'success',
      clientAddress: expect.any(String),
    });
    expect(items.find((e) => e.requestId === 'req-delete-1')).toMatchObject({
      action: 'datasets.delete',
      resourceId: datasetId,
      statusCode: 200,
      outcome: 'success',
    });
    // Newest first.
    expect(items.findIndex((e) => e.requestId === 'req-delete-1')).toBeLessThan(
      items.findIndex((e) => e.requestId === 'req-create-1'),
    );
    // Reads are not state changes.
    await env.app.inject({
      method: 'GET',
      url: '/v1/datasets',
      headers: { ...owner.auth, 'x-request-id': 'req-read' },
    });
    expect((await events(owner.auth)).items.some((e) => e.requestId === 'req-read')).toBe(false);
  });

  it('records the operator creating a project and a key under that project', async () => {
    const tenant = await createTenant(env);
    const { items } = await events(admin, `?projectId=${tenant.projectId}`);
    expect(items.map((e) => e.action).sort()).toEqual(['projects.api-keys.create', 'projects.create']);
    expect(items.every((e) => e.actor.type === 'admin' && e.outcome === 'success')).toBe(true);
    expect(items.find((e) => e.action === 'projects.create')?.resourceId).toBe(tenant.projectId);
  });

  it('records failed state changes and authentication failures, predictions included', async () => {
    const readOnly = await createTenant(env, ['read']);
    const forbidden = await env.app.inject({
      method: 'POST',
      url: '/v1/datasets?name=nope',
      headers: { ...readOnly.auth, 'content-type': 'text/csv', 'x-request-id': 'req-forbidden' },
      payload: csv,
    });
    expect(forbidden.statusCode).toBe(403);
    const anonymous = await env.app.inject({
      method: 'GET',
      url: '/v1/datasets',
      headers: { 'x-request-id': 'req-anonymous' },
    });
    expect(anonymous.statusCode).toBe(401);
    const badKey = await env.app.inject({
      method: 'POST',
      url: '/v1/models/iris:predict',
      headers: { authorization: 'Bearer maas_not-a-real-key', 'x-request-id': 'req-bad-key' },
      payload: { instances: [[1]] },
    });
    expect(badKey.statusCode).toBe(401);
    // A prediction that is not an authentication failure is not recorded (here: no such model).
    const missing = await env.app.inject({
      method: 'POST',
      url: '/v1/models/iris:predict',
      headers: { ...owner.auth, 'x-request-id': 'req-predict' },
      payload: { instances: [[1]] },
    });
    expect(missing.statusCode).toBe(404);
    const invalid = await env.app.inject({
      method: 'PUT',
      url: '/v1/models/iris/aliases/production',
      headers: { ...owner.auth, 'x-request-id': 'req-alias-missing' },
      payload: { version: 1 },
    });
    expect(invalid.statusCode).toBe(404);

    const keyId = (await env.deps.db.apiKey.findFirstOrThrow({ where: { projectId: readOnly.projectId } })).id;
    const tenantView = await env.app.inject({
      method: 'GET',
      url: `/v1/audit-events?projectId=${readOnly.projectId}&outcome=failure`,
      headers: admin,
    });
    expect(tenantView.json().items).toEqual([
      expect.objectContaining({
        requestId: 'req-forbidden',
        actor: { type: 'key', keyId },
        action: 'datasets.create',
        statusCode: 403,
        outcome: 'failure',
      }),
    ]);
    const anonymousEvents = (await events(admin, '?actor=anonymous')).items;
    expect(anonymousEvents.find((e) => e.requestId === 'req-anonymous')).toMatchObject({
      projectId: null,
      action: 'datasets.read',
      statusCode: 401,
    });
    expect(anonymousEvents.find((e) => e.requestId === 'req-bad-key')).toMatchObject({
      action: 'models.predict',
      statusCode: 401,
      outcome: 'failure',
    });
    const ownerEvents = (await events(owner.auth)).items;
    expect(ownerEvents.some((e) => e.requestId === 'req-predict')).toBe(false);
    expect(ownerEvents.find((e) => e.requestId === 'req-alias-missing')).toMatchObject({
      action: 'models.aliases.update',
      resourceId: 'iris/production',
      statusCode: 404,
      outcome: 'failure',
    });
  });

  it('filters by action, outcome, actor and time, and needs the admin scope', async () => {
    const creates = await events(owner.auth, '?action=datasets.create');
    expect(creates.items.length).toBeGreaterThan(0);
    expect(creates.items.every((e) => e.action === 'datasets.create')).toBe(true);
    const failures = await events(owner.auth, '?outcome=failure');
    expect(failures.items.every((e) => e.outcome === 'failure')).toBe(true);
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect((await events(owner.auth, `?since=${future}`)).items).toEqual([]);
    expect((await events(owner.auth, `?until=${future}`)).items.length).toBeGreaterThan(0);
    const keyId = (await env.deps.db.apiKey.findFirstOrThrow({ where: { projectId: owner.projectId } })).id;
    const byKey = await events(owner.auth, `?actor=${keyId}`);
    expect(byKey.items.length).toBeGreaterThan(0);
    expect(byKey.items.every((e) => e.actor.keyId === keyId)).toBe(true);

    const plain = await createTenant(env, ['read', 'write']);
    const refused = await env.app.inject({ method: 'GET', url: '/v1/audit-events', headers: plain.auth });
    expect(refused.statusCode).toBe(403);
    const otherProject = await env.app.inject({
      method: 'GET',
      url: `/v1/audit-events?projectId=${other.projectId}`,
      headers: owner.auth,
    });
    expect(otherProject.statusCode).toBe(400);
  });

  it('pages with a cursor that only works within its own project', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await env.app.inject({
        method: 'POST',
        url: `/v1/datasets?name=paged-${i}`,
        headers: { ...other.auth, 'content-type': 'text/csv' },
        payload: csv,
      });
      expect(response.statusCode).toBe(201);
    }
    const first = await events(other.auth, '?limit=2');
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await events(other.auth, `?limit=2&cursor=${first.nextCursor}`);
    expect(second.items.length).toBeGreaterThan(0);
    const seen = new Set(first.items.map((e) => e.id));
    expect(second.items.some((e) => seen.has(e.id))).toBe(false);

    const foreign = await env.app.inject({
      method: 'GET',
      url: `/v1/audit-events?cursor=${first.nextCursor}`,
      headers: owner.auth,
    });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.headers['content-type']).toContain('application/problem+json');
    expect(foreign.json().code).toBe('validation_failed');
  });

  it('refuses UPDATE, DELETE and TRUNCATE at the database', async () => {
    const [{ id }] = (await sql('SELECT id FROM "AuditEvent" LIMIT 1')).rows;
    await expect(sql(`UPDATE "AuditEvent" SET action = 'forged' WHERE id = $1`, [id])).rejects.toThrow(/append-only/);
    await expect(sql('DELETE FROM "AuditEvent" WHERE id = $1', [id])).rejects.toThrow(/append-only/);
    await expect(sql('TRUNCATE "AuditEvent"')).rejects.toThrow(/append-only/);
    await expect(env.deps.db.auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
    expect((await sql('SELECT action FROM "AuditEvent" WHERE id = $1', [id])).rows[0].action).not.toBe('forged');
  });

  it('sweeps only events older than the retention, and sweeping again changes nothing', async () => {
    const before = (await sql('SELECT count(*)::int AS n FROM "AuditEvent"')).rows[0].n as number;
    for (const daysAgo of [40, 31, 29]) {
      await sql(
        `INSERT INTO "AuditEvent" (id, "createdAt", "actorType", action, outcome)
         VALUES (gen_random_uuid()::text, now() - make_interval(days => $1), 'system', 'test.old', 'success')`,
        [daysAgo],
      );
    }
    expect(await sweepAuditEvents(env.deps.db, 30)).toBe(2);
    const left = await sql(`SELECT count(*)::int AS n FROM "AuditEvent"`);
    expect(left.rows[0].n).toBe(before + 1);
    expect((await sql(`SELECT count(*)::int AS n FROM "AuditEvent" WHERE action = 'test.old'`)).rows[0].n).toBe(1);
    expect(await sweepAuditEvents(env.deps.db, 30)).toBe(0);
  });
});
