import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaasClient, ProblemError, type EpochProgress, type TrainingJob } from '../../packages/client/src/index.ts';
import { createTenant, createTestEnv, type TestEnv } from '../support/test-env.ts';
import { startLiveService, type LiveService } from '../support/live-service.ts';

const PENGUINS = new URL('../../examples/penguins.csv', import.meta.url);
const GENTOO = {
  island: 'Biscoe',
  beak_length_mm: 47.5,
  beak_depth_mm: 14.2,
  flipper_length_mm: 209,
  body_mass_g: 4600,
  sex: 'FEMALE',
};

let service: LiveService;
let client: MaasClient;
/** Every request the client sent, as method and path: what it did on the wire. */
const sent: string[] = [];

beforeAll(async () => {
  service = await startLiveService();
  client = new MaasClient({
    baseUrl: service.url,
    apiKey: service.tenant.key,
    fetch: (input, init) => {
      const url = new URL(String(input));
      sent.push(`${init?.method ?? 'GET'} ${url.pathname}`);
      return fetch(input, init);
    },
  });
});
afterAll(async () => {
  await service?.close();
});

describe('the SDK against the real service', () => {
  let datasetId: string;
  let job: TrainingJob;

  it('uploads a stream and a Blob, and an upload repeated with its idempotency key answers the first dataset', async () => {
    const streamed = await client.uploadDataset('penguins', createReadStream(PENGUINS), { contentType: 'text/csv' });
    expect(streamed).toMatchObject({ name: 'penguins', version: 1, rowCount: 344 });
    datasetId = streamed.id;

    const blob = new Blob([await readFile(PENGUINS)], { type: 'text/csv' });
    const key = randomUUID();
    const first = await client.uploadDataset('penguins-blob', blob, { idempotencyKey: key });
    const again = await client.uploadDataset('penguins-blob', blob, { idempotencyKey: key });
    expect(again.id).toBe(first.id);
    expect((await client.listDatasets()).items.filter((d) => d.name === 'penguins-blob')).toHaveLength(1);
  });

  it('submits a job once under its idempotency key, and follows it to its end on the job event stream', async () => {
    const request = {
      datasetId,
      target: 'species',
      modelName: 'penguins',
      model: { type: 'mlp' as const, epochs: 6, hiddenLayers: [{ units: 8 }], seed: 7 },
    };
    const key = randomUUID();
    job = await client.train(request, { idempotencyKey: key });
    expect((await client.train(request, { idempotencyKey: key })).id).toBe(job.id);

    const epochs: EpochProgress[] = [];
    const statuses: string[] = [];
    sent.length = 0;
    const ended = await client.waitForJob(job.id, {
      intervalMs: 100,
      onEpoch: (epoch) => epochs.push(epoch),
      onJob: (current) => statuses.push(current.status),
    });
    expect(ended.status).toBe('succeeded');
    expect(ended.result).toEqual({ model: 'penguins', version: 1 });
    expect(ended.metrics?.accuracy).toBeGreaterThan(0.5);
    // Every epoch once, in order, however the polls fell.
    expect(epochs.map((epoch) => epoch.epoch)).toEqual(ended.progress.epochs.map((_, index) => index + 1));
    expect(statuses.at(-1)).toBe('succeeded');
    // It followed the job's event stream to its end: one request, no polling.
    expect(sent).toEqual([`GET /v1/training-jobs/${job.id}/events`]);
  });

  it('polls when told to', async () => {
    sent.length = 0;
    const ended = await client.waitForJob(job.id, { mode: 'poll' });
    expect(ended.status).toBe('succeeded');
    expect(sent).toEqual([`GET /v1/training-jobs/${job.id}`]);
  });

  it('predicts by version, by alias and by the model default', async () => {
    const byVersion = await client.predict('penguins', [GENTOO], { version: 1 });
    expect(byVersion.model).toEqual({ name: 'penguins', version: 1 });
    await client.setAlias('penguins', 'production', 1);
    const byAlias = await client.predict('penguins', [GENTOO], { alias: 'production' });
    const byDefault = await client.predict('penguins', [GENTOO]);
    expect(byAlias).toEqual(byVersion);
    expect(byDefault).toEqual(byVersion);
    const version = await client.getVersion('penguins', 1);
    expect(version.aliases).toEqual(['production']);
  });

  it('throws problems with their code, status and issues', async () => {
    const missing = await client.getTrainingJob(randomUUID()).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(ProblemError);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });

    const invalid = await client
      .predict('penguins', [{ ...GENTOO, wingspan: 3 }], { version: 1 })
      .catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(ProblemError);
    expect((invalid as ProblemError).status).toBe(400);
    expect((invalid as ProblemError).code).toMatch(/^[a-z_]+$/);
    expect((invalid as ProblemError).requestId).toBeTruthy();

    const unauthenticated = new MaasClient({ baseUrl: service.url, apiKey: 'maas_not-a-key' });
    await expect(unauthenticated.listModels()).rejects.toMatchObject({ status: 401 });
  });
});

describe('retries', () => {
  let env: TestEnv;
  let url: string;
  let key: string;
  beforeAll(async () => {
    env = await createTestEnv({ RATE_LIMIT_PER_KEY: '2', RATE_LIMIT_WINDOW_SECONDS: '1' });
    key = (await createTenant(env)).key;
    await env.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(env.app.server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await env?.close();
  });

  it('explains a prediction: the baseline and the attributions add up to the explained probability', async () => {
    const answer = await client.explain('penguins', [GENTOO], { version: 1 });
    expect(answer.model).toEqual({ name: 'penguins', version: 1 });
    const [explanation] = answer.explanations;
    const predicted = (await client.predict('penguins', [GENTOO], { version: 1 })) as { predictions: unknown[] };
    expect(explanation!.prediction).toEqual(predicted.predictions[0]);
    const total = explanation!.attributions.reduce((sum, a) => sum + a.attribution, explanation!.baseline);
    expect(total).toBeCloseTo(explanation!.explained.value, 3);
  });

  it('retries a 429 after its Retry-After, and throws it with the delay when retries are spent', async () => {
    const statuses: number[] = [];
    const counting = new MaasClient({
      baseUrl: url,
      apiKey: key,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        statuses.push(response.status);
        return response;
      },
    });
    // Four requests against a limit of two a second: two wait for the next window and succeed.
    const pages = await Promise.all([1, 2, 3, 4].map(() => counting.listModels()));
    expect(pages).toHaveLength(4);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(2);
    expect(statuses.filter((status) => status === 200)).toHaveLength(4);

    const impatient = new MaasClient({ baseUrl: url, apiKey: key, retries: 0 });
    const results = await Promise.allSettled([1, 2, 3].map(() => impatient.listModels()));
    const refused = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(ProblemError);
    expect(refused.reason).toMatchObject({ status: 429, code: 'rate_limited' });
    expect((refused.reason as ProblemError).retryAfterMs).toBeGreaterThanOrEqual(1000);
  });
});
