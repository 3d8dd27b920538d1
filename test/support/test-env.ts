import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildApp } from '../../src/api/app.ts';
import { loadConfig, type Config } from '../../src/config/env.ts';
import { migrate } from '../../src/db/migrate.ts';
import { createDeps, type Deps } from '../../src/deps.ts';
import { createLogger } from '../../src/logger.ts';

const SERVER_URL = process.env.TEST_DATABASE_SERVER ?? 'postgresql://postgres@127.0.0.1:5432';

export interface TestEnv {
  config: Config;
  deps: Deps;
  app: FastifyInstance;
  adminToken: string;
  close(): Promise<void>;
}

/** A configuration of its own for one test file: a fresh database, Redis prefix and artifact dir. */
export async function testConfig(overrides: Record<string, string> = {}): Promise<Config> {
  const id = randomBytes(6).toString('hex');
  const artifactDir = await mkdtemp(path.join(os.tmpdir(), 'maas-test-'));
  return loadConfig({
    DATABASE_URL: `${SERVER_URL}/maas_test_${id}`,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `maas_test_${id}`,
    ARTIFACT_DIR: artifactDir,
    MAAS_ADMIN_TOKEN: `test-admin-${randomBytes(12).toString('hex')}`,
    MAAS_MASTER_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    TF_BACKEND: 'auto',
    ...overrides,
  });
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const client = new pg.Client({ connectionString: `${SERVER_URL}/postgres` });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Deletes every Redis key under the test's prefix. */
export async function clearRedisPrefix(deps: Deps): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await deps.redis.scan(cursor, 'MATCH', `${deps.config.REDIS_PREFIX}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) await deps.redis.del(...keys);
  } while (cursor !== '0');
}

/** Builds the real app over a migrated database of its own, with the composition root's resources. */
export async function createTestEnv(overrides: Record<string, string> = {}): Promise<TestEnv> {
  const config = await testConfig(overrides);
  await migrate(config.DATABASE_URL, createLogger('silent'));
  const deps = await createDeps(config);
  const app = await buildApp(deps, { logger: false });
  await app.ready();
  return {
    config,
    deps,
    app,
    adminToken: deps.adminToken,
    async close() {
      await app.close();
      await clearRedisPrefix(deps).catch(() => undefined);
      await deps.close();
      await dropDatabase(config.DATABASE_URL);
      await rm(config.ARTIFACT_DIR, { recursive: true, force: true });
    },
  };
}

export interface TestTenant {
  projectId: string;
  key: string;
  auth: { authorization: string };
}

/** Creates a project and a key with the given scopes through the HTTP API. */
export async function createTenant(env: TestEnv, scopes: string[] = ['read', 'write', 'predict']): Promise<TestTenant> {
  const admin = { authorization: `Bearer ${env.adminToken}` };
  const project = await env.app.inject({
    method: 'POST',
    url: '/v1/projects',
    headers: admin,
    payload: { name: `tenant-${randomBytes(3).toString('hex')}` },
  });
  if (project.statusCode !== 201) throw new Error(`project creation failed: ${project.body}`);
  const projectId = project.json().id as string;
  const key = await env.app.inject({
    method: 'POST',
    url: `/v1/projects/${projectId}/api-keys`,
    headers: admin,
    payload: { name: 'test', scopes },
  });
  if (key.statusCode !== 201) throw new Error(`key creation failed: ${key.body}`);
  return { projectId, key: key.json().key, auth: { authorization: `Bearer ${key.json().key}` } };
}

export interface TenantEnv {
  env: TestEnv;
  tenant: TestTenant;
  close(): Promise<void>;
}

/** A test environment with one tenant in it; `close()` closes the environment (also closed if the tenant fails). */
export async function createTenantEnv(overrides: Record<string, string> = {}): Promise<TenantEnv> {
  const env = await createTestEnv(overrides);
  try {
    return { env, tenant: await createTenant(env), close: () => env.close() };
  } catch (error) {
    await env.close();
    throw error;
  }
}
