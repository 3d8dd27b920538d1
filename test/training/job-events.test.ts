import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { createDeps, type Deps } from '../../src/deps.ts';
import { openEventStream, type ReceivedEvent } from '../support/event-stream.ts';
import { createTenant, type TestTenant } from '../support/test-env.ts';
import { createTrainingEnv, uploadCsv, waitForJob, type TrainingEnv } from '../support/training.ts';

/** The cancelled job's epochs (the most a job may ask for): far more than run before the cancel lands. */
const JOB_EPOCHS = 1000;

let training: TrainingEnv;
let tenant: TestTenant;
let other: TestTenant;
let datasetId: string;
// A second API replica over the same PostgreSQL and Redis: the streams are read from it, while
// the job is submitted through the first and trained by a worker's child process.
let replicaDeps: Deps;
let replica: FastifyInstance;
let base: string;

beforeAll(async () => {
  training = await createTrainingEnv({
    EVENT_STREAMS_PER_PROJECT: '2',
    EVENT_HEARTBEAT_MS: '500',
    MAX_EPOCHS: String(JOB_EPOCHS),
  });
  tenant = training.tenant;
  other = await createTenant(training.env);
  datasetId = (await uploadCsv(training.env, tenant, 'tabular/iris.csv', 'iris')).id;
  replicaDeps = await createDeps(training.env.config);
  replica = await buildApp(replicaDeps, { logger: false });
  base = await replica.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await replica?.close();
  await replicaDeps?.close();
  await training?.close();
});

const submit = async (model: Record<string, unknown>) => {
  const response = await training.env.app.inject({
    method: 'POST',
    url: '/v1/training-jobs',
    headers: tenant.auth,
    payload: { datasetId, target: 'species', modelName: 'iris', model },
  });
  expect(response.statusCode).toBe(202);
  return response.json().id as string;
};
const stream = (jobId: string, headers: Record<string, string> = {}, auth = tenant.auth) =>
  openEventStream(`${base}/v1/training-jobs/${jobId}/events`, { ...auth, ...headers });
const epochsOf = (events: ReceivedEvent[]) =>
  events.filter((e) => e.event === 'epoch').map((e) => (e.data as { epoch: number }).epoch);

describe('GET /v1/training-jobs/{id}/events', () => {
  it('streams one event per epoch, resumes with Last-Event-ID from the stored progress, and ends with the job', async () => {
    const jobId = await submit({ type: 'logistic', epochs: 12, learningRate: 0.05, seed: 7 });
    const first = await stream(jobId);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const opening = await first.next();
    expect(opening).toMatchObject({ event: 'status', data: { id: jobId } });
    // Read up to the first epoch, then go away.
    let seen = opening!;
    while (seen.event !== 'epoch') seen = (await first.next())!;
    expect(seen.data).toMatchObject({
      epoch: 1,
      loss: expect.any(Number),
      metrics: expect.any(Object),
      elapsedMs: expect.any(Number),
    });
    expect(seen.data).toHaveProperty('valLoss');
    first.close();

    const resumed = await stream(jobId, { 'last-event-id': seen.id! });
    expect(resumed.status).toBe(200);
    const rest = await resumed.rest();
    const end = rest.at(-1)!;
    expect(end.event).toBe('end');
    expect(end.data).toMatchObject({ id: jobId, status: 'succeeded', result: { model: 'iris', version: 1 } });
    // Exactly what was missed: epochs 2..12 once each, in order, none repeated.
    expect(epochsOf(rest)).toEqual(Array.from({ length: 11 }, (_, i) => i + 2));
    const job = await waitForJob(training.env, tenant, jobId);
    const stored = job.progress.epochs as { epoch: number; loss: number }[];
    const byEpoch = new Map(
      rest.filter((e) => e.event === 'epoch').map((e) => [(e.data as { epoch: number }).epoch, e]),
    );
    expect((byEpoch.get(12)!.data as { loss: number }).loss).toBe(stored[11]!.loss);

    // A finished job's stream replays it all and ends at once.
    const replay = await (await stream(jobId)).rest();
    expect(replay.map((e) => e.event)).toEqual(['status', ...Array(12).fill('epoch'), 'end']);
    expect(replay[0]!.data).toMatchObject({ status: 'succeeded' });
    // Resuming after the end sends only the end again.
    const after = await (await stream(jobId, { 'last-event-id': replay.at(-1)!.id! })).rest();
    expect(after.map((e) => e.event)).toEqual(['end']);
  });

  it('relays epochs live: a client that cancels on the first epoch sees the job end cancelled', async () => {
    // Far more epochs of single-row batches than can run before the cancel lands (120,000 steps
    // and 1,000 validations, no early stopping), even at the dense step's speed: the end can
    // only be the cancel's.
    const jobId = await submit({
      type: 'mlp',
      epochs: JOB_EPOCHS,
      batchSize: 1,
      learningRate: 0.01,
      seed: 3,
      earlyStopping: false,
    });
    const live = await stream(jobId);
    let event = await live.next();
    while (event && event.event !== 'epoch') event = await live.next();
    expect(event).toBeDefined();
    // An epoch carries the model's accuracy on the training and the validation split.
    const { metrics } = event!.data as { metrics: Record<string, number> };
    expect(Object.keys(metrics).sort()).toEqual(['accuracy', 'valAccuracy']);
    for (const value of Object.values(metrics)) expect(value >= 0 && value <= 1).toBe(true);

    // Streams are bounded per project (2 here); another tenant's job is unknown; bad ids are refused.
    const second = await stream(jobId);
    expect(second.status).toBe(200);
    // Heartbeats keep an idle stream alive through proxies (the job runs on until cancelled below).
    expect(await second.comment()).toBe(': ping');
    const third = await stream(jobId);
    expect(third.status).toBe(429);
    expect(await third.json()).toMatchObject({ code: 'too_many_event_streams' });
    second.close();
    await vi.waitFor(() => expect(replicaDeps.jobEvents.openStreams).toBe(1));
    const foreign = await stream(jobId, {}, other.auth);
    expect(foreign.status).toBe(404);
    const malformed = await stream(jobId, { 'last-event-id': 'yesterday' });
    expect(malformed.status).toBe(400);

    const cancel = await training.env.app.inject({
      method: 'POST',
      url: `/v1/training-jobs/${jobId}/cancel`,
      headers: tenant.auth,
    });
    expect(cancel.statusCode).toBe(200);
    const rest = await live.rest();
    expect(rest.at(-1)).toMatchObject({ event: 'end', data: { status: 'cancelled' } });
    const epochs = [(event!.data as { epoch: number }).epoch, ...epochsOf(rest)];
    expect(epochs.length).toBeLessThan(JOB_EPOCHS);
    expect(epochs).toEqual(Array.from({ length: epochs.length }, (_, i) => i + 1));
    // The client gone, nothing is left subscribed.
    await vi.waitFor(() => {
      expect(replicaDeps.jobEvents.openStreams).toBe(0);
      expect(replicaDeps.jobEvents.channels).toBe(0);
    });
  });
});
