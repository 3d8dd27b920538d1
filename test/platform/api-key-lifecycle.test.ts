import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret, issueApiKey } from '../../src/auth/api-keys.ts';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';

let env: TestEnv;
let admin: { authorization: string };

beforeAll(async () => {
  env = await createTestEnv();
  admin = { authorization: `Bearer ${env.adminToken}` };
});
afterAll(() => env?.close());

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const listDatasets = (key: string) => env.app.inject({ method: 'GET', url: '/v1/datasets', headers: bearer(key) });
const keyIdOf = async (tenant: TestTenant) =>
  (await env.deps.db.apiKey.findFirstOrThrow({ where: { secretHash: hashSecret(tenant.key) } })).id;
const rotate = (projectId: string, keyId: string, body: object, headers = admin) =>
  env.app.inject({ method: 'POST', url: `/v1/projects/${projectId}/api-keys/${keyId}:rotate`, headers, payload: body });

describe('API key checks before any lookup', () => {
  it('refuses a mistyped key (checksum) and a token of no key shape with 401 and no database lookup', async () => {
    const tenant = await createTenant(env);
    const at = tenant.key.length - 10;
    const typo = tenant.key.slice(0, at) + (tenant.key[at] === 'a' ? 'b' : 'a') + tenant.key.slice(at + 1);
    const before = env.app.apiKeyCache.lookups;
    for (const token of [typo, 'maas_pk_nothing', 'ghp_0123456789abcdef', issueApiKey().key.slice(0, -1)]) {
      const response = await listDatasets(token);
      expect(response.statusCode, token).toBe(401);
      expect(response.json()).toMatchObject({ code: 'unauthorized' });
    }
    expect(env.app.apiKeyCache.lookups).toBe(before);

    // A well-formed key with a valid checksum is only known to the database.
    const unknown = await listDatasets(issueApiKey().key);
    expect(unknown.statusCode).toBe(401);
    expect(env.app.apiKeyCache.lookups).toBe(before + 1);
  });

  it('keeps keys of the format before the checksum working, at the cost of a lookup', async () => {
    const tenant = await createTenant(env);
    const legacy = `maas_${'Ab3-_x'.repeat(6)}abcd`;
    await env.deps.db.apiKey.create({
      data: {
        projectId: tenant.projectId,
        name: 'legacy',
        scopes: ['read'],
        prefix: legacy.slice(0, 13),
        secretHash: hashSecret(legacy),
      },
    });
    const before = env.app.apiKeyCache.lookups;
    expect((await listDatasets(legacy)).statusCode).toBe(200);
    expect(env.app.apiKeyCache.lookups).toBe(before + 1);
    // An unknown legacy-shaped token costs a lookup too, and is refused.
    expect((await listDatasets(`maas_${'Zz9_-q'.repeat(6)}abcd`)).statusCode).toBe(401);
  });
});

describe('API key expiry and last use', () => {
  it('refuses a key once its expiry passes, cached or not', async () => {
    const tenant = await createTenant(env);
    expect((await listDatasets(tenant.key)).statusCode).toBe(200);
    const keyId = await keyIdOf(tenant);
    await env.deps.db.$executeRaw`UPDATE "ApiKey" SET "expiresAt" = now() - interval '1 second' WHERE id = ${keyId}`;
    // Another replica's change is seen when the cached entry ends; this drops it now.
    env.app.apiKeyCache.invalidateKey(keyId);
    const response = await listDatasets(tenant.key);
    expect(response.statusCode).toBe(401);
    expect(response.json().detail).toMatch(/revoked or has expired/);
  });

  it('records when a key was last used without a write per request', async () => {
    const tenant = await createTenant(env);
    const keyId = await keyIdOf(tenant);
    const stored = () => env.deps.db.apiKey.findUniqueOrThrow({ where: { id: keyId } });
    expect((await stored()).lastUsedAt).toBeNull();

    const before = Date.now();
    expect((await listDatasets(tenant.key)).statusCode).toBe(200);
    await env.app.keyUsage.settled();
    const first = (await stored()).lastUsedAt;
    expect(first?.getTime()).toBeGreaterThanOrEqual(before);

    for (let i = 0; i < 3; i++) expect((await listDatasets(tenant.key)).statusCode).toBe(200);
    await env.app.keyUsage.settled();
    expect((await stored()).lastUsedAt).toEqual(first);

    const list = await env.app.inject({
      method: 'GET',
      url: `/v1/projects/${tenant.projectId}/api-keys`,
      headers: admin,
    });
    expect(list.json().items[0].lastUsedAt).toBe(first!.toISOString());
  });
});

describe('POST /v1/projects/{id}/api-keys/{keyId}:rotate', () => {
  it('issues a key with the same name and scopes; the old one works until the overlap ends', async () => {
    const tenant = await createTenant(env, ['read', 'predict']);
    const oldId = await keyIdOf(tenant);
    expect((await listDatasets(tenant.key)).statusCode).toBe(200);

    const before = Date.now();
    const first = await rotate(tenant.projectId, oldId, { overlapSeconds: 3600 });
    const after = Date.now();
    expect(first.statusCode).toBe(201);
    const issued = first.json();
    expect(issued).toMatchObject({ name: 'test', scopes: ['read', 'predict'], expiresAt: null, revokedAt: null });
    expect(issued.key).not.toBe(tenant.key);
    expect(issued.rotated.id).toBe(oldId);
    const overlapEnd = Date.parse(issued.rotated.expiresAt);
    expect(overlapEnd).toBeGreaterThanOrEqual(before + 3600_000);
    expect(overlapEnd).toBeLessThanOrEqual(after + 3600_000);

    // Inside the overlap both keys work.
    expect((await listDatasets(tenant.key)).statusCode).toBe(200);
    expect((await listDatasets(issued.key)).statusCode).toBe(200);

    // An overlap of 0 ends the rotated key at once; the new one works.
    const second = await rotate(tenant.projectId, issued.id, { overlapSeconds: 0 });
    expect(second.statusCode).toBe(201);
    expect((await listDatasets(issued.key)).statusCode).toBe(401);
    expect((await listDatasets(second.json().key)).statusCode).toBe(200);

    // A rotation never extends a key's life: the first key still ends at its overlap's end.
    const again = await rotate(tenant.projectId, oldId, { overlapSeconds: 7200 });
    expect(again.statusCode).toBe(201);
    expect(Date.parse(again.json().rotated.expiresAt)).toBe(overlapEnd);
  });

  it('refuses to rotate an expired or revoked key, another project’s key, and a bad overlap', async () => {
    const tenant = await createTenant(env, ['admin']);
    const keyId = await keyIdOf(tenant);
    const rotated = await rotate(tenant.projectId, keyId, { overlapSeconds: 0 });
    expect(rotated.statusCode).toBe(201);
    const expired = await rotate(tenant.projectId, keyId, { overlapSeconds: 60 });
    expect(expired.statusCode).toBe(409);
    expect(expired.json()).toMatchObject({ code: 'api_key_inactive' });

    const other = await createTenant(env);
    const otherKey = await keyIdOf(other);
    const foreign = await rotate(other.projectId, otherKey, {}, bearer(rotated.json().key));
    expect(foreign.statusCode).toBe(404);
    const crossed = await rotate(tenant.projectId, otherKey, {});
    expect(crossed.statusCode).toBe(404);
    expect(crossed.json()).toMatchObject({ code: 'not_found' });

    for (const body of [{ overlapSeconds: -1 }, { overlapSeconds: 1.5 }, { expiresAt: '2001-01-01T00:00:00Z' }]) {
      const refused = await rotate(other.projectId, otherKey, body);
      expect(refused.statusCode, JSON.stringify(body)).toBe(400);
      expect(refused.json().code).toBe('validation_failed');
    }
    // Nothing changed by the refusals: the key still works and has no expiry.
    expect((await listDatasets(other.key)).statusCode).toBe(200);
    expect((await env.deps.db.apiKey.findUniqueOrThrow({ where: { id: otherKey } })).expiresAt).toBeNull();
  });

  it('lets the project admin key rotate itself', async () => {
    const tenant = await createTenant(env, ['admin']);
    const response = await rotate(tenant.projectId, await keyIdOf(tenant), { overlapSeconds: 30 }, tenant.auth);
    expect(response.statusCode).toBe(201);
    expect((await listDatasets(response.json().key)).statusCode).toBe(200);
  });
});
