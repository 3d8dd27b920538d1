import { readFile } from 'node:fs/promises';
import type { Worker } from 'bullmq';
import { startTrainingWorker, type TrainingWorkerOptions } from '../../src/training/jobs/worker.ts';
import type { TestEnv, TestTenant } from './test-env.ts';

export const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);

/** A training worker over the test app's own resources (closed by `env.close()`; close the worker first). */
export function startWorker(env: TestEnv, opts: TrainingWorkerOptions = {}): Worker {
  return startTrainingWorker(env.deps, opts);
}

/** Uploads a fixture CSV through the HTTP API and returns the dataset. */
export async function uploadCsv(env: TestEnv, tenant: TestTenant, file: string, name: string) {
  const response = await env.app.inject({
    method: 'POST',
    url: `/v1/datasets?name=${name}`,
    headers: { ...tenant.auth, 'content-type': 'text/csv' },
    payload: await readFile(fixture(file)),
  });
  if (response.statusCode !== 201) throw new Error(`upload failed: ${response.body}`);
  return response.json() as { id: string; columns: { name: string }[]; rowCount: number };
}

/** Polls a training job until it leaves queued/running. */
export async function waitForJob(env: TestEnv, tenant: TestTenant, jobId: string, timeoutMs = 100_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = (
      await env.app.inject({ method: 'GET', url: `/v1/training-jobs/${jobId}`, headers: tenant.auth })
    ).json();
    if (!['queued', 'running'].includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
