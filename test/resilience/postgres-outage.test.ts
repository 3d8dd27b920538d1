import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { createDeps, type Deps } from '../../src/deps.ts';
import type { FastifyInstance } from 'fastify';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';
import { uploadCsv } from '../support/training.ts';
import { freePort } from './processes.ts';

/**
 * A TCP hop between the API and PostgreSQL that the test can cut: the real server stays up
 * for everyone else while this API sees its database vanish (refused, live sockets reset).
 */
class CuttableLink {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  async connect(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  async cut(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

let env: TestEnv;
let tenant: TestTenant;
let dataset: { id: string };
let link: CuttableLink;
let deps: Deps;
let app: FastifyInstance;

beforeAll(async () => {
  env = await createTestEnv();
  tenant = await createTenant(env);
  dataset = await uploadCsv(env, tenant, 'tabular/iris.csv', 'iris');
  const real = new URL(env.config.DATABASE_URL);
  link = new CuttableLink(await freePort(), { host: real.hostname, port: Number(real.port || 5432) });
  await link.connect();
  real.host = `127.0.0.1:${link.port}`;
  // A second API over the same database and Redis, reaching PostgreSQL through the link.
  deps = await createDeps({ ...env.config, DATABASE_URL: real.toString() });
  app = await buildApp(deps, { logger: false });
  await app.ready();
});
afterAll(async () => {
  await link?.cut();
  await app?.close();
  await deps?.close();
  await env?.close();
});

const submit = () =>
  app.inject({
    method: 'POST',
    url: '/v1/training-jobs',
    headers: tenant.auth,
    payload: { datasetId: dataset.id, target: 'species', modelName: 'pg', model: { type: 'logistic', epochs: 2 } },
  });

describe('PostgreSQL down', () => {
  it('answers 503 dependency_unavailable fast, writes nothing anywhere, and recovers when it returns', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/datasets', headers: tenant.auth })).statusCode).toBe(200);
    const queued = await env.deps.trainingQueue.getJobCounts();
    await link.cut();

    for (const request of [() => app.inject({ method: 'GET', url: '/v1/datasets', headers: tenant.auth }), submit]) {
      const asked = Date.now();
      const response = await request();
      expect(Date.now() - asked).toBeLessThan(5_000);
      expect(response.statusCode).toBe(503);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().code).toBe('dependency_unavailable');
    }
    // Nothing half-written: no job row (seen through the healthy path) and no queue entry.
    expect(await env.deps.db.trainingJob.count()).toBe(0);
    expect(await env.deps.trainingQueue.getJobCounts()).toEqual(queued);

    await link.connect();
    const accepted = await submit();
    expect(accepted.statusCode).toBe(202);
    expect(await env.deps.db.trainingJob.count()).toBe(1);
  });
});
