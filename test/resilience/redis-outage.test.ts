import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTrainingWorker } from '../../src/training/jobs/worker.ts';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';
import { uploadCsv } from '../support/training.ts';
import { waitForEnd } from './jobs.ts';
import { freePort, startRedis, stop, waitFor, type Proc } from './processes.ts';

const execFileAsync = promisify(execFile);
let env: TestEnv;
let tenant: TestTenant;
let dataset: { id: string };
let redis: Proc | undefined;
let port: number;
const workers: Worker[] = [];

/** Our own Redis on a port of its own: the shared one is never touched. */
async function startOwnRedis() {
  redis = startRedis(port);
  await waitFor(
    'redis to answer PING',
    () =>
      execFileAsync('redis-cli', ['-p', String(port), 'ping']).then(
        ({ stdout }) => stdout.includes('PONG'),
        () => false,
      ),
    10_000,
    redis.output,
  );
}

beforeAll(async () => {
  port = await freePort();
  await startOwnRedis();
  env = await createTestEnv({ REDIS_URL: `redis://127.0.0.1:${port}` });
  tenant = await createTenant(env);
  dataset = await uploadCsv(env, tenant, 'tabular/iris.csv', 'iris');
});
afterAll(async () => {
  for (const worker of workers) await worker.close();
  if (!redis || redis.child.exitCode !== null || redis.child.signalCode !== null)
    await startOwnRedis().catch(() => undefined);
  await env?.close();
  await stop(redis);
});

const startWorker = () => {
  // Reconciles every second (the default is a minute) so the test need not wait.
  const worker = startTrainingWorker(env.deps, { maintenanceEveryMs: 1_000, reconcileGraceMs: 200 });
  workers.push(worker);
  return worker;
};
const quick = (modelName: string) => ({
  datasetId: dataset.id,
  target: 'species',
  modelName,
  model: { type: 'logistic', epochs: 5, seed: 1 },
});
const submit = (payload: object) =>
  env.app.inject({ method: 'POST', url: '/v1/training-jobs', headers: tenant.auth, payload });
const predict = () =>
  env.app.inject({
    method: 'POST',
    url: '/v1/models/before:predict',
    headers: tenant.auth,
    payload: { instances: [[5.1, 3.5, 1.4, 0.2]] },
  });

describe('Redis down, then back empty', () => {
  it('keeps serving, refuses queue work fast, and loses no job', async () => {
    const first = startWorker();
    const before = (await submit(quick('before'))).json().id as string;
    expect((await waitForEnd(env.deps.db, before)).status).toBe('succeeded');
    expect((await predict()).statusCode).toBe(200);
    await first.close();

    // Queued but never run when Redis dies; plus a job that has already used every attempt.
    const lost = (await submit(quick('lost'))).json().id as string;
    const exhausted = await env.deps.db.trainingJob.create({
      data: {
        projectId: tenant.projectId,
        datasetId: dataset.id,
        target: 'species',
        modelName: 'x',
        task: 'classification',
        spec: quick('x'),
        status: 'running',
        attempts: 3,
      },
    });

    redis!.child.kill('SIGKILL');
    await redis!.exited;
    const jobsBefore = await env.deps.db.trainingJob.count();
    const asked = Date.now();
    const refused = await submit(quick('during'));
    expect(Date.now() - asked).toBeLessThan(5_000);
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(await env.deps.db.trainingJob.count()).toBe(jobsBefore);
    // Predictions need neither Redis nor a reload: the cached model answers.
    expect((await predict()).statusCode).toBe(200);

    // A worker started during the outage waits for Redis instead of dying.
    startWorker();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await startOwnRedis();

    // Postgres is the record: the reconciler re-enqueues the lost job and fails the exhausted one.
    expect((await waitForEnd(env.deps.db, lost)).status).toBe('succeeded');
    const failed = await waitForEnd(env.deps.db, exhausted.id);
    expect(failed.status).toBe('failed');
    expect((await env.deps.db.trainingJob.findUniqueOrThrow({ where: { id: exhausted.id } })).error).toMatchObject({
      code: 'attempts_exhausted',
    });
    expect(await env.deps.db.modelVersion.count({ where: { trainingJobId: lost } })).toBe(1);

    // New work flows through the same worker and producer connections again.
    const after = await submit(quick('after'));
    expect(after.statusCode).toBe(202);
    expect((await waitForEnd(env.deps.db, after.json().id)).status).toBe('succeeded');
  });
});
