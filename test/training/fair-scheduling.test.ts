import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';
import { startWorker, uploadCsv, waitForJob } from '../support/training.ts';

let env: TestEnv;
const workers: Worker[] = [];

beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => {
  for (const worker of workers) await worker.close();
  await env?.close();
});

const setQuotas = (projectId: string, body: object) =>
  env.app.inject({
    method: 'PUT',
    url: `/v1/admin/projects/${projectId}/quotas`,
    headers: { authorization: `Bearer ${env.adminToken}` },
    payload: body,
  });

async function submit(tenant: TestTenant, datasetId: string, epochs = 1): Promise<string> {
  const response = await env.app.inject({
    method: 'POST',
    url: '/v1/training-jobs',
    headers: tenant.auth,
    payload: { datasetId, target: 'species', modelName: 'iris', model: { type: 'logistic', epochs, seed: 1 } },
  });
  expect(response.statusCode).toBe(202);
  return response.json().id as string;
}

type FinishedJob = { id: string; status: string; startedAt: string; finishedAt: string };
const finished = async (tenant: TestTenant, ids: string[]) => {
  const jobs: FinishedJob[] = [];
  for (const id of ids) jobs.push(await waitForJob(env, tenant, id));
  for (const job of jobs) expect(job.status).toBe('succeeded');
  return jobs;
};

let tenantA: TestTenant;
let tenantB: TestTenant;

describe('fair scheduling across projects', () => {
  it("starts another project's job before one project's backlog drains", async () => {
    const a = (tenantA = await createTenant(env));
    tenantB = await createTenant(env);
    const irisA = await uploadCsv(env, a, 'tabular/iris.csv', 'iris');
    const irisB = await uploadCsv(env, tenantB, 'tabular/iris.csv', 'iris');
    // A's whole backlog is queued before B submits, and before any worker runs.
    const backlog: string[] = [];
    for (let i = 0; i < 8; i++) backlog.push(await submit(a, irisA.id));
    const single = await submit(tenantB, irisB.id);

    workers.push(startWorker(env)); // one worker, concurrency 1
    const jobs = [...(await finished(a, backlog)), ...(await finished(tenantB, [single]))];
    const order = jobs.sort((x, y) => Date.parse(x.startedAt) - Date.parse(y.startedAt)).map((job) => job.id);
    // B's only job is its project's first, as A's first is: it runs first or second, not ninth.
    expect(order.indexOf(single)).toBeLessThanOrEqual(1);
    // Within a project, jobs still run in the order they were submitted.
    expect(order.filter((id) => id !== single)).toEqual(backlog);
  });

  it("runs no more of a project's jobs at once than its concurrent-jobs quota", async () => {
    const c = await createTenant(env);
    const iris = await uploadCsv(env, c, 'tabular/iris.csv', 'iris');
    await setQuotas(c.projectId, { concurrentJobs: 1 });
    const ids = [await submit(c, iris.id, 5), await submit(c, iris.id, 5)];
    // Two worker slots in all: without the quota both jobs would run side by side.
    workers.push(startWorker(env));
    const [first, second] = (await finished(c, ids)).sort((x, y) => Date.parse(x.startedAt) - Date.parse(y.startedAt));
    expect(Date.parse(second!.startedAt)).toBeGreaterThanOrEqual(Date.parse(first!.finishedAt));
    // Handed back while waiting, never counted as a failed attempt.
    const rows = await env.deps.db.trainingJob.findMany({ where: { id: { in: ids } } });
    expect(rows.map((row) => row.attempts)).toEqual([1, 1]);
  });
});

describe('the predictions-per-minute quota', () => {
  it('counts every prediction path of the project and refuses past the limit with 429', async () => {
    await setQuotas(tenantB.projectId, { predictionsPerMinute: 3 });
    // The window is the calendar minute: start the four requests well inside one.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 50_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 100));

    const row = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
    const post = (url: string, payload: object) =>
      env.app.inject({ method: 'POST', url, headers: tenantB.auth, payload });
    const v2 = {
      inputs: Object.entries(row).map(([name, value]) => ({ name, shape: [1], datatype: 'FP32', data: [value] })),
    };
    expect((await post('/v1/models/iris:predict', { instances: [row] })).statusCode).toBe(200);
    expect((await post('/v1/models/iris/versions/1:predict', { instances: [row] })).statusCode).toBe(200);
    expect((await post('/v2/models/iris/infer', v2)).statusCode).toBe(200);

    for (const refused of [
      await post('/v1/models/iris:predict', { instances: [row] }),
      await post('/v2/models/iris/versions/1/infer', v2),
    ]) {
      expect(refused.statusCode).toBe(429);
      const problem = refused.json();
      expect(problem).toMatchObject({ code: 'quota_exceeded', quota: 'predictionsPerMinute', limit: 3 });
      expect(problem.usage).toBeGreaterThanOrEqual(3);
      expect(problem.error).toBe(problem.detail);
      const resetsAt = Date.parse(problem.resetsAt);
      expect(resetsAt % 60_000).toBe(0);
      expect(resetsAt).toBeGreaterThan(Date.now());
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    }
    const usage = await env.app.inject({ method: 'GET', url: '/v1/project/usage', headers: tenantB.auth });
    expect(usage.json().quotas.predictionsPerMinute).toMatchObject({ limit: 3 });
    expect(usage.json().quotas.predictionsPerMinute.usage).toBeGreaterThanOrEqual(5);
  });
});

describe('lists carry summaries', () => {
  it("pages a model's versions without their preprocessing, and jobs without every epoch", async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `limit=3&cursor=${cursor}` : 'limit=3';
      const page = await env.app.inject({
        method: 'GET',
        url: `/v1/models/iris/versions?${query}`,
        headers: tenantA.auth,
      });
      expect(page.statusCode).toBe(200);
      for (const item of page.json().items) {
        expect(item).not.toHaveProperty('preprocessing');
        expect(item).not.toHaveProperty('inputSchema');
        expect(item.metrics).toBeDefined();
      }
      seen.push(...page.json().items.map((item: { version: number }) => item.version));
      cursor = page.json().nextCursor;
    } while (cursor);
    expect(seen).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    // The version route keeps all of it.
    const full = await env.app.inject({ method: 'GET', url: '/v1/models/iris/versions/1', headers: tenantA.auth });
    expect(full.json().preprocessing).toBeTruthy();
    expect(full.json().inputSchema).toBeTruthy();

    const jobs = await env.app.inject({ method: 'GET', url: '/v1/training-jobs?limit=2', headers: tenantA.auth });
    const [listed] = jobs.json().items;
    expect(listed).not.toHaveProperty('spec');
    expect(listed.progress).toMatchObject({ epochsCompleted: 1, totalEpochs: 1 });
    const one = await env.app.inject({ method: 'GET', url: `/v1/training-jobs/${listed.id}`, headers: tenantA.auth });
    expect(listed.progress.lastEpoch).toEqual(one.json().progress.epochs.at(-1));
    expect(one.json().spec.model).toMatchObject({ type: 'logistic' });
  });
});
