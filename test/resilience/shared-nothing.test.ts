import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type S3Server } from '../support/s3-server.ts';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';
import { fixture } from '../support/training.ts';
import { cleanSuccess, expectCleanSuccess, longJob, waitForCheckpoint, waitForEnd } from './jobs.ts';
import { configEnv, freePort, startEntryPoint, stop, waitForHealthz, type Proc } from './processes.ts';

/**
 * Two API processes and two workers, each with an empty local directory of its own, sharing
 * only PostgreSQL, Redis and an S3 bucket (a real S3-protocol server): what scaling out across
 * machines looks like. Upload through one API, train on whichever worker takes the job (and
 * survive that worker's kill -9), predict and see alias moves through the other API.
 */
let s3: S3Server;
let env: TestEnv;
let tenant: TestTenant;
const procs: Proc[] = [];
const localDirs: string[] = [];
const apis: string[] = [];
const workers: Proc[] = [];

async function start(script: string, port?: number): Promise<Proc> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'maas-node-'));
  localDirs.push(dir);
  const overrides: Record<string, string> = {
    ARTIFACT_DIR: dir,
    // The bucket's credentials reach the processes as they would in production: the AWS variables.
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID!,
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY!,
    ...(port !== undefined && { PORT: String(port), HOST: '127.0.0.1' }),
  };
  const proc = startEntryPoint(script, configEnv(env.config, overrides));
  procs.push(proc);
  return proc;
}

beforeAll(async () => {
  s3 = await startS3Server();
  env = await createTestEnv({ ...s3.settings('shared'), CHECKPOINT_EVERY_EPOCHS: '2' });
  tenant = await createTenant(env);
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    await waitForHealthz(base, await start('src/cli/serve.ts', port), 120_000);
    apis.push(base);
  }
  for (let i = 0; i < 2; i++) workers.push(await start('src/cli/worker.ts'));
}, 300_000);
afterAll(async () => {
  for (const proc of procs) await stop(proc);
  await env?.close();
  await s3?.close();
  for (const dir of localDirs) await rm(dir, { recursive: true, force: true });
});

async function call(api: string, method: string, url: string, body?: unknown, contentType = 'application/json') {
  const response = await fetch(`${api}${url}`, {
    method,
    headers: { ...tenant.auth, ...(body !== undefined && { 'content-type': contentType }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** The pid of the process that started `pid` (Linux), to tell which worker a training child serves. */
async function parentOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

const iris = { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 };

describe('two APIs and two workers sharing only PostgreSQL, Redis and the bucket', () => {
  it('train through one API on either worker, survive its kill -9, and serve and move aliases through the other', async () => {
    const [api1, api2] = apis as [string, string];
    const uploaded = await call(
      api1,
      'POST',
      '/v1/datasets?name=iris',
      await readFile(fixture('tabular/iris.csv'), 'utf8'),
      'text/csv',
    );
    expect(uploaded.status).toBe(201);
    const datasetId = uploaded.json.id as string;

    const submitted = await call(api1, 'POST', '/v1/training-jobs', longJob(datasetId, 'iris'));
    expect(submitted.status).toBe(202);
    const id = submitted.json.id as string;
    const running = await waitForCheckpoint(env.deps.db, id, 4);
    // Whichever worker took it dies without a word; the other resumes it from the bucket.
    const owner = await parentOf(running.progress.runs![0]!.pid);
    const victim = workers.find((worker) => worker.child.pid === owner);
    expect(victim, 'the training child belongs to one of the two workers').toBeDefined();
    victim!.child.kill('SIGKILL');
    await victim!.exited;
    const done = await waitForEnd(env.deps.db, id, 240_000);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(await expectCleanSuccess(env.deps.db, env.deps.store, id, 40)).toEqual(cleanSuccess);

    // A second version, submitted through the other API, trained by the surviving worker.
    const second = await call(api2, 'POST', '/v1/training-jobs', {
      datasetId,
      target: 'species',
      modelName: 'iris',
      model: { type: 'logistic', epochs: 5, learningRate: 0.1, seed: 2 },
    });
    expect(second.status).toBe(202);
    expect(await waitForEnd(env.deps.db, second.json.id as string, 240_000)).toMatchObject({ status: 'succeeded' });

    const servedBy = async (api: string) => {
      const answer = await call(api, 'POST', '/v1/models/iris/labels/production:predict', { instances: [iris] });
      expect(answer.status, JSON.stringify(answer.json)).toBe(200);
      return (answer.json.model as { version: number }).version;
    };
    for (const version of [1, 2, 1]) {
      expect((await call(api1, 'PUT', '/v1/models/iris/aliases/production', { version })).status).toBe(200);
      // The other API serves the move on its very next request.
      expect(await servedBy(api2)).toBe(version);
    }

    // Nothing of the tenant's landed in any process's own directory: it is all in the bucket.
    for (const dir of localDirs) {
      const files = await readdir(dir, { recursive: true });
      expect(
        files.filter((name) => /datasets|models|checkpoints/.test(name)),
        dir,
      ).toEqual([]);
    }
    expect((await env.deps.store.list(`datasets/${tenant.projectId}`)).length).toBe(1);
  });
});
