import { readFile } from 'node:fs/promises';
import type { Worker } from 'bullmq';
import { expect } from 'vitest';
import { startTrainingWorker, type TrainingWorkerOptions } from '../../src/training/jobs/worker.ts';
import { createTenantEnv, type TenantEnv, type TestEnv, type TestTenant } from './test-env.ts';

export const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);

/** A training worker over the test app's own resources (closed by `env.close()`; close the worker first). */
export function startWorker(env: TestEnv, opts: TrainingWorkerOptions = {}): Worker {
  return startTrainingWorker(env.deps, opts);
}

export interface TrainingEnv extends TenantEnv {
  worker: Worker;
}

/** A test environment with one tenant and a training worker; `close()` closes the worker, then the environment. */
export async function createTrainingEnv(overrides: Record<string, string> = {}): Promise<TrainingEnv> {
  const { env, tenant, close } = await createTenantEnv(overrides);
  const worker = startWorker(env);
  return {
    env,
    tenant,
    worker,
    async close() {
      await worker.close();
      await close();
    },
  };
}

/** Posts a dataset body of the given content type through the HTTP API; the response as it comes. */
export function postDataset(
  env: TestEnv,
  auth: Record<string, string>,
  name: string,
  body: Buffer | string,
  contentType: string,
) {
  return env.app.inject({
    method: 'POST',
    url: `/v1/datasets?name=${encodeURIComponent(name)}`,
    headers: { ...auth, 'content-type': contentType },
    payload: body,
  });
}

const CONTENT_TYPES: Record<string, string> = {
  csv: 'text/csv',
  ndjson: 'application/x-ndjson',
  zip: 'application/zip',
};

/** Uploads a fixture file (CSV, NDJSON or ZIP, by its extension) through the HTTP API and returns the dataset. */
export async function uploadFixture(env: TestEnv, tenant: TestTenant, file: string, name: string) {
  const contentType = CONTENT_TYPES[file.slice(file.lastIndexOf('.') + 1)];
  if (!contentType) throw new Error(`no content type for fixture ${file}`);
  const response = await postDataset(env, tenant.auth, name, await readFile(fixture(file)), contentType);
  if (response.statusCode !== 201) throw new Error(`upload failed: ${response.body}`);
  return response.json() as { id: string; columns: { name: string }[]; rowCount: number };
}

/** Uploads a fixture CSV through the HTTP API and returns the dataset. */
export const uploadCsv = (env: TestEnv, tenant: TestTenant, file: string, name: string) =>
  uploadFixture(env, tenant, file, name);

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

/**
 * Submits a training job through the HTTP API and waits for it, expecting it accepted (202)
 * and then succeeded without an error. Returns the finished job as the API shows it.
 */
export async function trainToSuccess(env: TestEnv, tenant: TestTenant, payload: object) {
  const submitted = await env.app.inject({ method: 'POST', url: '/v1/training-jobs', headers: tenant.auth, payload });
  expect(submitted.statusCode).toBe(202);
  const job = await waitForJob(env, tenant, submitted.json().id);
  expect(job.error).toBeNull();
  expect(job.status).toBe('succeeded');
  return job;
}

/** A model version as the API shows it. */
export async function getVersion(env: TestEnv, tenant: TestTenant, model: string, version = 1) {
  return (
    await env.app.inject({ method: 'GET', url: `/v1/models/${model}/versions/${version}`, headers: tenant.auth })
  ).json();
}
