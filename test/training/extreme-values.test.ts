import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainingEnv } from '../support/training.ts';
import { createTrainingEnv, postDataset, waitForJob } from '../support/training.ts';

let setup: TrainingEnv;
beforeAll(async () => {
  setup = await createTrainingEnv();
});
afterAll(() => setup?.close());

const get = (url: string) => setup.env.app.inject({ method: 'GET', url, headers: setup.tenant.auth });
const post = (url: string, payload: object) =>
  setup.env.app.inject({ method: 'POST', url, headers: setup.tenant.auth, payload });

/** 40 rows: y = 3x + 1 with a little deterministic noise, and a column `big` with one huge cell. */
function csvWith(huge: string): string {
  const lines = ['x,big,y'];
  for (let i = 0; i < 40; i++) lines.push(`${i},${i === 7 ? huge : i % 5},${3 * i + 1 + (i % 3) * 0.1}`);
  return lines.join('\n') + '\n';
}

async function upload(name: string, body: string) {
  const response = await postDataset(setup.env, setup.tenant.auth, name, body, 'text/csv');
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; columns: { name: string; mean: number | null; std: number | null }[] };
}

describe('a dataset with huge values', () => {
  it.each([['1e200'], ['1e300'], ['-1e308']])(
    'uploads with %s as 201 with finite statistics, and lists, finds and reads back',
    async (huge) => {
      const name = `huge-${huge}`;
      const dataset = await upload(name, csvWith(huge));
      const big = dataset.columns.find((column) => column.name === 'big')!;
      for (const value of [big.mean, big.std]) expect(value === null || Number.isFinite(value)).toBe(true);
      expect(Number.isFinite(big.std)).toBe(true);
      expect(Math.abs(big.std!)).toBeGreaterThan(Math.abs(Number(huge)) / 10);

      const list = await get('/v1/datasets');
      expect(list.statusCode, list.body).toBe(200);
      expect(list.json().items.map((item: { id: string }) => item.id)).toContain(dataset.id);
      const byName = await get(`/v1/datasets?name=${encodeURIComponent(name)}`);
      expect(byName.statusCode, byName.body).toBe(200);
      expect(byName.json().items).toHaveLength(1);
      const one = await get(`/v1/datasets/${dataset.id}`);
      expect(one.statusCode, one.body).toBe(200);
      expect(one.json().columns).toEqual(dataset.columns);
    },
  );

  it('stores a spread past the largest double as null and the dataset still reads back', async () => {
    const body = 'x,y\n' + Array.from({ length: 20 }, (_, i) => `${i % 2 ? '1.79e308' : '-1.79e308'},${i}`).join('\n');
    const dataset = await upload('beyond-range', body);
    expect(dataset.columns[0]).toMatchObject({ name: 'x', std: null });
    expect((await get(`/v1/datasets/${dataset.id}`)).statusCode).toBe(200);
    // Training on it is refused at submission, naming the column, with nothing queued.
    const refused = await post('/v1/training-jobs', {
      datasetId: dataset.id,
      target: 'y',
      modelName: 'beyond',
      model: { type: 'linear', epochs: 2 },
    });
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'column_not_scalable' });
    expect(refused.json().detail).toContain("'x'");
  });

  it('reads back a dataset row that an earlier version stored with a broken statistic', async () => {
    const dataset = await upload('stored-earlier', csvWith('5'));
    const columns = dataset.columns.map((column) =>
      column.name === 'big' ? { ...column, std: null, mean: 'NaN' } : column,
    );
    await setup.env.deps.db.dataset.update({ where: { id: dataset.id }, data: { columns } });
    for (const url of ['/v1/datasets', '/v1/datasets?name=stored-earlier', `/v1/datasets/${dataset.id}`])
      expect((await get(url)).statusCode, url).toBe(200);
    const big = (await get(`/v1/datasets/${dataset.id}`)).json().columns[1];
    expect(big).toMatchObject({ name: 'big', std: null, mean: null });
  });

  it('trains on a column with a 1e200 cell to finite weights and finite predictions', async () => {
    const dataset = await upload('train-huge', csvWith('1e200'));
    const submitted = await post('/v1/training-jobs', {
      datasetId: dataset.id,
      target: 'y',
      modelName: 'huge-linear',
      model: { type: 'linear', epochs: 30, learningRate: 0.05, seed: 5 },
    });
    expect(submitted.statusCode, submitted.body).toBe(202);
    const job = await waitForJob(setup.env, setup.tenant, submitted.json().id);
    expect(job.error).toBeNull();
    expect(job.status).toBe('succeeded');
    const predicted = await post('/v1/models/huge-linear:predict', {
      instances: [
        { x: 10, big: 2 },
        { x: 10, big: 1e200 },
      ],
    });
    expect(predicted.statusCode, predicted.body).toBe(200);
    const values = predicted.json().predictions.map((p: { value: number }) => p.value);
    for (const value of values) expect(Number.isFinite(value)).toBe(true);
    // y = 3x + 1 is learnt from x; the ordinary row must land near 31.
    expect(values[0]).toBeGreaterThan(20);
    expect(values[0]).toBeLessThan(42);
  });

  it('refuses an unstandardised regression target past float32 range at submission', async () => {
    const body = 'x,y\n' + Array.from({ length: 20 }, (_, i) => `${i},${i === 3 ? '1e200' : i}`).join('\n');
    const dataset = await upload('huge-target', body);
    const refused = await post('/v1/training-jobs', {
      datasetId: dataset.id,
      target: 'y',
      modelName: 'huge-target',
      model: { type: 'linear', epochs: 2, standardizeTarget: false },
    });
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'column_not_scalable' });
  });
});
