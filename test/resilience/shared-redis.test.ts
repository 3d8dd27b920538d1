import { randomBytes } from 'node:crypto';
import type { Worker } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { createTenantEnv, type TenantEnv } from '../support/test-env.ts';
import { startWorker, uploadCsv, waitForJob } from '../support/training.ts';

/**
 * Two deployments, each with a database of its own, on one Redis. Deployment B's worker runs
 * first, alone, while A's job waits: it must not take A's job for its own (on a shared
 * queue it found no row for it and completed it as skipped, leaving A's row queued for good).
 */
interface Deployment {
  deployment: TenantEnv;
  worker?: Worker;
}
let opened: Deployment[] = [];
afterEach(async () => {
  for (const { worker } of opened) await worker?.close();
  for (const { deployment } of opened) await deployment.close();
  opened = [];
});

async function deployments(overrides: Record<string, string>) {
  const a: Deployment = { deployment: await createTenantEnv(overrides) };
  const b: Deployment = { deployment: await createTenantEnv(overrides) };
  opened.push(a, b);
  return [a, b] as const;
}

async function submit({ env, tenant }: TenantEnv): Promise<string> {
  const dataset = await uploadCsv(env, tenant, 'tabular/iris.csv', 'iris');
  const response = await env.app.inject({
    method: 'POST',
    url: '/v1/training-jobs',
    headers: tenant.auth,
    payload: { datasetId: dataset.id, target: 'species', modelName: 'iris', model: { type: 'logistic', epochs: 3 } },
  });
  expect(response.statusCode).toBe(202);
  return response.json().id as string;
}

/** Only periodic maintenance could rescue a stolen job; it runs once, at start, and finds nothing lost. */
const noRescue = { maintenanceEveryMs: 0, reconcileGraceMs: 3600_000 };

/**
 * B's worker runs B's job and leaves A's pending and untouched; with `thenOwner`, A's worker
 * then starts and runs A's job.
 */
async function eachFinishesItsOwnJob(overrides: Record<string, string>, thenOwner: boolean) {
  const [a, b] = await deployments(overrides);
  b.worker = startWorker(b.deployment.env, noRescue);
  const jobA = await submit(a.deployment);
  const jobB = await submit(b.deployment);

  // B's worker finishes its own job, having met A's first if they share a queue.
  expect(await waitForJob(b.deployment.env, b.deployment.tenant, jobB)).toMatchObject({ status: 'succeeded' });
  const untouched = await a.deployment.env.deps.db.trainingJob.findUniqueOrThrow({ where: { id: jobA } });
  expect(untouched).toMatchObject({ status: 'queued', attempts: 0 });
  // B's worker may hold A's job this very moment, on its way back to the queue: once the
  // worker has closed, every job it met is back where A's workers can take it.
  await b.worker.close();
  const entry = await a.deployment.env.deps.trainingQueue.getJob(jobA);
  expect(['waiting', 'delayed', 'prioritized']).toContain(await entry?.getState());

  if (!thenOwner) return;
  a.worker = startWorker(a.deployment.env, noRescue);
  expect(await waitForJob(a.deployment.env, a.deployment.tenant, jobA)).toMatchObject({ status: 'succeeded' });
  for (const { deployment } of [a, b])
    expect(await deployment.env.deps.db.modelVersion.count({ where: { model: { name: 'iris' } } })).toBe(1);
}

describe('two deployments sharing one Redis', () => {
  it('get queues of their own by default, each finishing its own job', async () => {
    // Empty means unset: the default prefix, derived from each deployment's database.
    await eachFinishesItsOwnJob({ REDIS_PREFIX: '' }, true);
    const [a, b] = opened.map(({ deployment }) => deployment.env.config.REDIS_PREFIX);
    expect(a).toMatch(/^maas:/);
    expect(a).not.toBe(b);
  }, 300_000);

  it('leave each other’s jobs alone even on one explicitly shared prefix', async () => {
    // A's job going back to the queue is what lets A's worker run it, as in the test above.
    await eachFinishesItsOwnJob({ REDIS_PREFIX: `maas_test_shared_${randomBytes(6).toString('hex')}` }, false);
  }, 300_000);
});
