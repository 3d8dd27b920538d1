import { Readable } from 'node:stream';
import http from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTrainingWorker } from '../../src/training/jobs/worker.ts';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';
import { fixture, uploadCsv } from '../support/training.ts';
import { cleanSuccess, expectCleanSuccess, jobRow, longJob, waitForEnd } from './jobs.ts';
import { configEnv, freePort, startEntryPoint, stop, waitFor, waitForHealthz, type Proc } from './processes.ts';

let env: TestEnv;
let tenant: TestTenant;
let worker: Worker | undefined;
const procs: Proc[] = [];

beforeAll(async () => {
  // Checkpoints only at shutdown here, so the one found afterwards is the handback's own.
  env = await createTestEnv({ CHECKPOINT_EVERY_EPOCHS: '1000', CHECKPOINT_EVERY_MS: '3600000' });
  tenant = await createTenant(env);
});
afterAll(async () => {
  for (const proc of procs) await stop(proc);
  await worker?.close();
  await env?.close();
});

describe('graceful shutdown', () => {
  it('SIGTERM on a worker checkpoints the running job and hands it back without using an attempt', async () => {
    const dataset = await uploadCsv(env, tenant, 'tabular/iris.csv', 'iris');
    const id = (
      await env.app.inject({
        method: 'POST',
        url: '/v1/training-jobs',
        headers: tenant.auth,
        payload: longJob(dataset.id, 'handback'),
      })
    ).json().id as string;
    const proc = startEntryPoint('src/cli/worker.ts', configEnv(env.config));
    procs.push(proc);
    await waitFor(
      'two epochs',
      async () => ((await jobRow(env.deps.db, id)).progress.epochs.length >= 2 ? true : undefined),
      90_000,
      proc.output,
    );

    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    const handedBack = await jobRow(env.deps.db, id);
    expect(handedBack).toMatchObject({ status: 'queued', attempts: 0 });
    expect(handedBack.progress.runs).toEqual([expect.objectContaining({ attempt: 1, outcome: 'handed back' })]);
    const pointer = handedBack.checkpoint as { completedEpochs: number; epoch: number };
    expect(pointer.completedEpochs).toBeGreaterThanOrEqual(2);
    const queued = await env.deps.trainingQueue.getJob(id);
    // Waiting again, in its project's turn (jobs are queued with a priority: fair scheduling).
    expect(['waiting', 'prioritized']).toContain(await queued!.getState());
    expect(queued!.attemptsMade).toBe(0);

    worker = startTrainingWorker(env.deps);
    const done = await waitForEnd(env.deps.db, id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1, resumedFromEpoch: pointer.completedEpochs });
    expect(await expectCleanSuccess(env.deps.db, env.deps.store, id, 40)).toEqual(cleanSuccess);
  });

  it('SIGTERM on the API lets an in-flight upload finish and answers new requests 503 until it closes', async () => {
    const port = await freePort();
    const proc = startEntryPoint('src/cli/serve.ts', configEnv(env.config, { PORT: String(port), HOST: '127.0.0.1' }));
    procs.push(proc);
    const base = `http://127.0.0.1:${port}`;
    await waitForHealthz(base, proc);

    // An upload whose body arrives in two halves, with the SIGTERM in between.
    const csv = await readFile(fixture('tabular/iris.csv'));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const body = Readable.from(
      (async function* () {
        yield csv.subarray(0, 2000);
        await gate;
        yield csv.subarray(2000);
      })(),
    );
    const upload = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(
        `${base}/v1/datasets?name=slow`,
        { method: 'POST', headers: { ...tenant.auth, 'content-type': 'text/csv' } },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode!, body: text }));
        },
      );
      request.on('error', reject);
      body.pipe(request);
    });
    // Inside the handler: the store is writing the body to its temporary file.
    const uploads = path.join(env.config.ARTIFACT_DIR, 'datasets', tenant.projectId);
    await waitFor(
      'the upload to be in flight',
      async () => (await readdir(uploads).catch(() => [])).some((name) => name.endsWith('.partial')),
      30_000,
      proc.output,
    );

    proc.child.kill('SIGTERM');
    const refused = await waitFor(
      'a 503 for a new request',
      async () => {
        const response = await fetch(`${base}/v1/datasets`, { headers: tenant.auth }).catch(() => undefined);
        return response?.status === 503 ? response : undefined;
      },
      10_000,
      proc.output,
    );
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(((await refused.json()) as { code: string }).code).toBe('shutting_down');

    release();
    const finished = await upload;
    expect(finished.status).toBe(201);
    expect(JSON.parse(finished.body)).toMatchObject({ name: 'slow', rowCount: 150 });
    expect(await proc.exited).toBe(0);
  });
});
