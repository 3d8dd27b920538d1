import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';
import { uploadCsv } from '../support/training.ts';
import { cleanSuccess, expectCleanSuccess, longJob, waitForCheckpoint, waitForEnd } from './jobs.ts';
import {
  configEnv,
  freePort,
  isAlive,
  startEntryPoint,
  startNpmScript,
  stop,
  waitFor,
  waitForHealthz,
  type Proc,
} from './processes.ts';

let env: TestEnv;
let tenant: TestTenant;
let dataset: { id: string };
const procs: Proc[] = [];

beforeAll(async () => {
  env = await createTestEnv({ CHECKPOINT_EVERY_EPOCHS: '2' });
  tenant = await createTenant(env);
  dataset = await uploadCsv(env, tenant, 'tabular/iris.csv', 'iris');
});
afterAll(async () => {
  for (const proc of procs) await stop(proc);
  await env?.close();
});

const tracked = (proc: Proc) => {
  procs.push(proc);
  return proc;
};
const spawnTracked = (script: string) => tracked(startEntryPoint(script, configEnv(env.config)));

describe('a process dies mid-training (kill -9) and the job still ends with exactly one version', () => {
  it('the worker process: its training child exits, and a new worker resumes the job from the checkpoint', async () => {
    const submitted = await env.app.inject({
      method: 'POST',
      url: '/v1/training-jobs',
      headers: tenant.auth,
      payload: longJob(dataset.id, 'crash-worker'),
    });
    const id = submitted.json().id as string;
    const first = spawnTracked('src/cli/worker.ts');
    const running = await waitForCheckpoint(env.deps.db, id, 4);
    const child = running.progress.runs![0]!.pid;

    first.child.kill('SIGKILL');
    await first.exited;
    // Orphaned, the child stops on its own instead of training on beside the next worker.
    await waitFor('the orphaned training child to exit', () => !isAlive(child), 10_000);

    spawnTracked('src/cli/worker.ts');
    const done = await waitForEnd(env.deps.db, id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(done.resumedFromEpoch).toBeGreaterThanOrEqual(4);
    expect(await expectCleanSuccess(env.deps.db, env.deps.store, id, 40)).toEqual(cleanSuccess);
  });

  const wholeServiceTitle =
    'the whole service (`npm start`, as built: API and worker in one process tree), restarted afterwards';
  it(wholeServiceTitle, async () => {
    for (const proc of procs) await stop(proc);
    const port = String(await freePort());
    const base = `http://127.0.0.1:${port}`;
    // The compiled build that `npm start` runs, so its training child (dist/) is covered too.
    const start = () => tracked(startNpmScript('start', configEnv(env.config, { PORT: port, HOST: '127.0.0.1' })));

    const service = start();
    await waitForHealthz(base, service);
    const submitted = await fetch(`${base}/v1/training-jobs`, {
      method: 'POST',
      headers: { ...tenant.auth, 'content-type': 'application/json' },
      body: JSON.stringify(longJob(dataset.id, 'crash-service')),
    });
    expect(submitted.status).toBe(202);
    const id = ((await submitted.json()) as { id: string }).id;
    const running = await waitForCheckpoint(env.deps.db, id, 4);
    const child = running.progress.runs![0]!.pid;

    service.child.kill('SIGKILL');
    await service.exited;
    await waitFor('the training child to exit with its service', () => !isAlive(child), 10_000);

    await waitForHealthz(base, start());
    const done = await waitFor(
      'the job to finish',
      async () => {
        const job = (await (await fetch(`${base}/v1/training-jobs/${id}`, { headers: tenant.auth })).json()) as {
          status: string;
        };
        return ['succeeded', 'failed', 'cancelled'].includes(job.status) ? job : undefined;
      },
      120_000,
    );
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2, result: { model: 'crash-service', version: 1 } });
    expect((await waitForEnd(env.deps.db, id)).resumedFromEpoch).toBeGreaterThanOrEqual(4);
    expect(await expectCleanSuccess(env.deps.db, env.deps.store, id, 40)).toEqual(cleanSuccess);
  });
});
