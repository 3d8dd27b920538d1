import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.ts';
import { loadConfig, type Config } from '../src/config/env.ts';
import { migrate } from '../src/db/migrate.ts';
import { createDeps, type Deps } from '../src/deps.ts';
import { createLogger } from '../src/logger.ts';
import { startTrainingWorker } from '../src/training/jobs/worker.ts';
import { clearRedisPrefix, dropDatabase } from '../test/support/test-env.ts';

const SERVER_URL = process.env.BENCH_DATABASE_SERVER ?? 'postgresql://postgres@127.0.0.1:5432';

/** A database, Redis prefix and artifact dir of the benchmark's own, with the app and a worker. */
export interface BenchEnv {
  /** The variables a child server needs to serve the same data. */
  env: Record<string, string>;
  config: Config;
  deps: Deps;
  app: FastifyInstance;
  worker: Worker;
  auth: { authorization: string };
  close(): Promise<void>;
}

export async function createBenchEnv(): Promise<BenchEnv> {
  const id = randomBytes(6).toString('hex');
  const artifactDir = await mkdtemp(path.join(os.tmpdir(), 'maas-bench-'));
  const env = {
    DATABASE_URL: `${SERVER_URL}/maas_bench_${id}`,
    REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `maas_bench_${id}`,
    ARTIFACT_DIR: artifactDir,
    MAAS_ADMIN_TOKEN: `bench-admin-${randomBytes(12).toString('hex')}`,
    LOG_LEVEL: 'silent',
  };
  const config = loadConfig(env);
  await migrate(config.DATABASE_URL, createLogger('silent'));
  const deps = await createDeps(config);
  const app = await buildApp(deps, { logger: false });
  await app.ready();
  const worker = startTrainingWorker(deps);
  const admin = { authorization: `Bearer ${config.MAAS_ADMIN_TOKEN}` };
  const project = await app.inject({ method: 'POST', url: '/v1/projects', headers: admin, payload: { name: 'bench' } });
  const key = await app.inject({
    method: 'POST',
    url: `/v1/projects/${project.json().id}/api-keys`,
    headers: admin,
    payload: { name: 'bench', scopes: ['read', 'write', 'predict'] },
  });
  return {
    env,
    config,
    deps,
    app,
    worker,
    auth: { authorization: `Bearer ${key.json().key}` },
    async close() {
      await worker.close();
      await app.close();
      await clearRedisPrefix(deps).catch(() => undefined);
      await deps.close();
      await dropDatabase(config.DATABASE_URL);
      await rm(artifactDir, { recursive: true, force: true });
    },
  };
}

/** Uploads a fixture CSV and returns the dataset id. */
export async function uploadFixture(bench: BenchEnv, file: string, name: string): Promise<string> {
  const body = await readFile(new URL(`../test/fixtures/${file}`, import.meta.url));
  const response = await bench.app.inject({
    method: 'POST',
    url: `/v1/datasets?name=${name}`,
    headers: { ...bench.auth, 'content-type': 'text/csv' },
    payload: body,
  });
  if (response.statusCode !== 201) throw new Error(`upload failed: ${response.body}`);
  return response.json().id as string;
}

/** Submits a training job; resolves with its id and the submit time (ms, performance clock). */
export async function submitTraining(
  bench: BenchEnv,
  payload: Record<string, unknown>,
): Promise<{ id: string; submittedAt: number }> {
  const submittedAt = performance.now();
  const response = await bench.app.inject({ method: 'POST', url: '/v1/training-jobs', headers: bench.auth, payload });
  if (response.statusCode !== 202) throw new Error(`submit failed: ${response.body}`);
  return { id: response.json().id as string, submittedAt };
}

/**
 * Polls the job's row every 10 ms until `until` holds; returns when it first held (ms,
 * performance clock). Polling the database directly keeps the poll interval out of the figure.
 */
export async function waitForJob(
  bench: BenchEnv,
  id: string,
  until: (job: { status: string }) => boolean,
  timeoutMs = 600_000,
): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const job = await bench.deps.db.trainingJob.findUniqueOrThrow({ where: { id } });
    if (until(job)) return performance.now();
    if (job.status === 'failed' || job.status === 'cancelled')
      throw new Error(`job ${id} ${job.status}: ${JSON.stringify(job.error)}`);
    if (performance.now() > deadline) throw new Error(`job ${id} still ${job.status}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
