import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { migrate } from '../../src/db/migrate.ts';
import { createDeps, type Deps } from '../../src/deps.ts';
import { loggerOptions } from '../../src/logger.ts';
import { dropDatabase, testConfig } from '../support/test-env.ts';

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, callback) {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    callback();
  },
});

/** Child loggers pino has made since the start. */
let children = 0;
let deps: Deps;
let app: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  const config = await testConfig({ LOG_LEVEL: 'info' });
  await migrate(config.DATABASE_URL, { info: () => undefined });
  deps = await createDeps(config, {
    logger: pino({ ...loggerOptions('info'), onChild: () => (children += 1) }, sink),
  });
  app = await buildApp(deps);
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await deps.close();
  await dropDatabase(deps.config.DATABASE_URL);
});

/** A new project and an API key of it; `requestId` names the project's creation request. */
async function projectWithKey(name: string, requestId?: string): Promise<{ projectId: string; key: string }> {
  const admin = { authorization: `Bearer ${deps.adminToken}` };
  const project = await app.inject({
    method: 'POST',
    url: '/v1/projects',
    headers: { ...admin, ...(requestId && { 'x-request-id': requestId }) },
    payload: { name },
  });
  const projectId = project.json().id as string;
  const created = await app.inject({
    method: 'POST',
    url: `/v1/projects/${projectId}/api-keys`,
    headers: admin,
    payload: { name: 'k' },
  });
  return { projectId, key: created.json().key as string };
}

describe('request logs', () => {
  it('carry the request id and never the admin token or an API key', async () => {
    const { projectId, key } = await projectWithKey('logged', 'trace-me-1');
    await app.inject({ method: 'GET', url: '/v1/datasets', headers: { authorization: `Bearer ${key}` } });
    // A 401, logged at warn.
    await app.inject({ method: 'GET', url: '/v1/datasets', headers: { authorization: `Bearer ${key}x` } });
    await app.inject({
      method: 'POST',
      url: '/v1/projects',
      headers: { authorization: `Bearer ${deps.adminToken}` },
      payload: { name: 'x', token: deps.adminToken },
    });

    // Anything that logs a request's headers or a secret-named field is redacted too.
    deps.logger.warn(
      { req: { headers: { authorization: `Bearer ${key}` } }, token: deps.adminToken, apiKey: key },
      'debugging a request',
    );

    const text = lines.join('\n');
    expect(text).toContain('debugging a request');
    expect(lines.length).toBeGreaterThan(4);
    expect(text).toContain('trace-me-1');
    // One access line per request, saying what an operator looks for.
    const traced = lines.map((line) => JSON.parse(line)).filter((entry) => entry.reqId === 'trace-me-1');
    expect(traced).toEqual([
      expect.objectContaining({
        msg: 'request completed',
        method: 'POST',
        url: '/v1/projects',
        route: '/v1/projects',
        status: 201,
        ms: expect.any(Number),
      }),
    ]);
    const listed = lines.map((line) => JSON.parse(line)).filter((entry) => entry.route === '/v1/datasets');
    expect(listed.map((entry) => entry.status)).toEqual([200, 401]);
    expect(listed[0].project).toBe(projectId);
    expect(listed[1].project).toBeUndefined();
    expect(text).not.toContain(deps.adminToken);
    expect(text).not.toContain(key);
  });

  it("make a request's own logger only when the request logs through it, bound to its id", async () => {
    const { key } = await projectWithKey('lazy');
    const before = children;
    for (const id of ['quiet-1', 'quiet-2', 'quiet-3']) {
      const answer = await app.inject({
        method: 'GET',
        url: '/v1/datasets',
        headers: { authorization: `Bearer ${key}`, 'x-request-id': id },
      });
      expect(answer.statusCode).toBe(200);
    }
    // Three answered requests, three access lines, and not one child logger.
    expect(lines.filter((line) => line.includes('"quiet-')).length).toBe(3);
    expect(children).toBe(before);

    const refused = await app.inject({
      method: 'GET',
      url: '/v1/datasets',
      headers: { authorization: `Bearer ${key}x`, 'x-request-id': 'refused-1' },
    });
    expect(refused.statusCode).toBe(401);
    expect(children).toBe(before + 1);
    const logged = lines.map((line) => JSON.parse(line)).filter((entry) => entry.reqId === 'refused-1');
    expect(logged.map((entry) => entry.msg)).toEqual(['request rejected', 'request completed']);
    expect(logged[0]).toMatchObject({ level: 40, code: 'unauthorized' });
  });
});
