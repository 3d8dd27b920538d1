import type { Worker } from 'bullmq';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../support/test-env.ts';
import { irisWithIds, parseCsv, startBackgroundWorkers, waitForBatch } from '../support/batch.ts';
import { createTrainingEnv, uploadCsv, waitForJob, type TrainingEnv } from '../support/training.ts';

let training: TrainingEnv;
let workers: Worker[];
let dataset: { id: string };

const env = () => training.env;
const auth = () => training.tenant.auth;
const post = (url: string, payload: unknown, headers = auth()) =>
  env().app.inject({ method: 'POST', url, headers, payload: payload as object });
const get = (url: string, headers = auth()) => env().app.inject({ method: 'GET', url, headers });

beforeAll(async () => {
  // Parts of 40 rows: Iris (150 rows) spans four parts, the last one short.
  training = await createTrainingEnv({ BATCH_PART_ROWS: '40' });
  workers = startBackgroundWorkers(env());
  dataset = await uploadCsv(env(), training.tenant, 'tabular/iris.csv', 'iris');
  const job = await post('/v1/training-jobs', {
    datasetId: dataset.id,
    target: 'species',
    modelName: 'iris',
    model: { type: 'mlp', epochs: 15, learningRate: 0.05, seed: 5, hiddenLayers: [{ units: 8, activation: 'relu' }] },
  });
  expect((await waitForJob(env(), training.tenant, job.json().id)).status).toBe('succeeded');
}, 120_000);
afterAll(async () => {
  for (const worker of workers ?? []) await worker.close();
  await training?.close();
});

type Predicted = { label: string; probabilities: Record<string, number> };

/** What the online route answers for these instances, in order. */
async function online(instances: Record<string, number>[]): Promise<Predicted[]> {
  const answer = await post('/v1/models/iris/versions/1:predict', { instances });
  expect(answer.statusCode).toBe(200);
  return answer.json().predictions;
}

describe('batch predictions', () => {
  it('scores an uploaded CSV in parts: every row once, passthrough ids, bad rows in the error file, predictions as online', async () => {
    const { header, rows } = await irisWithIds();
    const body = [header, ...rows].map((row) => row.join(','));
    // Row 151: a value that is not a number; row 152: a field short.
    body.push('bad1,abc,3.0,1.4,0.2,setosa', 'bad2,5.0,3.0,1.4');
    const submitted = await env().app.inject({
      method: 'POST',
      url: '/v1/batch-predictions/upload?model=iris&version=1&passthrough=id',
      headers: { ...auth(), 'content-type': 'text/csv' },
      payload: `${body.join('\n')}\n`,
    });
    expect(submitted.statusCode).toBe(202);
    expect(submitted.json()).toMatchObject({
      status: 'queued',
      model: { name: 'iris', version: 1, alias: null },
      input: { uploaded: true, format: 'csv', datasetId: null },
      passthrough: ['id'],
    });
    const done = await waitForBatch(env(), training.tenant, submitted.json().id);
    expect(done).toMatchObject({
      status: 'succeeded',
      progress: { rowsDone: 152, errorCount: 2, partsDone: 4, partRows: 40 },
      output: `/v1/batch-predictions/${done.id}/output`,
    });
    expect(done.progress.rowsPerSecond).toBeGreaterThan(0);

    const output = await get(`/v1/batch-predictions/${done.id}/output`);
    expect(output.statusCode).toBe(200);
    expect(output.headers['content-type']).toMatch(/^text\/csv/);
    const [head, ...lines] = parseCsv(output.body);
    expect(head).toEqual(['id', 'prediction', 'probability_setosa', 'probability_versicolor', 'probability_virginica']);
    // Every good row exactly once, in input order.
    expect(lines.map((line) => line[0])).toEqual(rows.map((row) => row[0]));

    const errors = await get(`/v1/batch-predictions/${done.id}/errors`);
    const [errorHead, ...errorLines] = parseCsv(errors.body);
    expect(errorHead).toEqual(['row', 'reason']);
    expect(errorLines.map((line) => line[0])).toEqual(['151', '152']);
    expect(errorLines[0]![1]).toMatch(/sepal_length.*number/);
    expect(errorLines[1]![1]).toMatch(/4 fields; the header has 6/);

    // The same rows through :predict: the same labels and probabilities (a sample of 30).
    const sample = rows.filter((_, i) => i % 5 === 0);
    const expected = await online(
      sample.map((row) => ({
        sepal_length: Number(row[1]),
        sepal_width: Number(row[2]),
        petal_length: Number(row[3]),
        petal_width: Number(row[4]),
      })),
    );
    const byId = new Map(lines.map((line) => [line[0], line]));
    sample.forEach((row, i) => {
      const line = byId.get(row[0]!)!;
      expect(line[1]).toBe(expected[i]!.label);
      ['setosa', 'versicolor', 'virginica'].forEach((label, k) =>
        expect(Number(line[2 + k])).toBeCloseTo(expected[i]!.probabilities[label]!, 6),
      );
    });
  });

  it('scores a stored dataset by alias into NDJSON, each prediction exactly as :predict answers it', async () => {
    expect(
      (
        await env().app.inject({
          method: 'PUT',
          url: '/v1/models/iris/aliases/production',
          headers: auth(),
          payload: { version: 1 },
        })
      ).statusCode,
    ).toBe(200);
    const submitted = await post('/v1/batch-predictions', {
      model: 'iris',
      alias: 'production',
      datasetId: dataset.id,
      outputFormat: 'ndjson',
      passthrough: ['species'],
    });
    expect(submitted.statusCode).toBe(202);
    const done = await waitForBatch(env(), training.tenant, submitted.json().id);
    expect(done).toMatchObject({
      status: 'succeeded',
      progress: { rowsDone: 150, errorCount: 0 },
      model: { version: 1, alias: 'production' },
    });
    const output = await get(`/v1/batch-predictions/${done.id}/output`);
    expect(output.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = output.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { species: string; prediction: Predicted });
    expect(lines).toHaveLength(150);
    const { rows } = await irisWithIds();
    expect(lines.map((line) => line.species)).toEqual(rows.map((row) => row[5]));
    const expected = await online(
      rows.map((row) => ({
        sepal_length: Number(row[1]),
        sepal_width: Number(row[2]),
        petal_length: Number(row[3]),
        petal_width: Number(row[4]),
      })),
    );
    lines.forEach((line, i) => {
      expect(line.prediction.label).toBe(expected[i]!.label);
      for (const label of Object.keys(expected[i]!.probabilities))
        expect(line.prediction.probabilities[label]).toBeCloseTo(expected[i]!.probabilities[label]!, 6);
    });
    // An empty error file is still a file.
    expect((await get(`/v1/batch-predictions/${done.id}/errors`)).body).toBe('');
    const listed = (await get('/v1/batch-predictions?model=iris')).json();
    expect(listed.items.map((item: { id: string }) => item.id)).toContain(done.id);
  });

  it('writes Parquet that reads back with the predictions of the CSV output', async () => {
    const run = async (outputFormat: string) => {
      const submitted = await post('/v1/batch-predictions', {
        model: 'iris',
        version: 1,
        datasetId: dataset.id,
        outputFormat,
        passthrough: ['species'],
      });
      expect(submitted.statusCode, submitted.body).toBe(202);
      const done = await waitForBatch(env(), training.tenant, submitted.json().id);
      expect(done).toMatchObject({ status: 'succeeded', outputFormat, progress: { rowsDone: 150, partsDone: 4 } });
      return get(`/v1/batch-predictions/${done.id}/output`);
    };
    const csv = parseCsv((await run('csv')).body);
    const output = await run('parquet');
    expect(output.headers['content-type']).toBe('application/vnd.apache.parquet');
    const bytes = output.rawPayload;
    const file = {
      byteLength: bytes.length,
      slice: (start: number, end?: number) =>
        bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + (end ?? bytes.length)) as ArrayBuffer,
    };
    const rows = await parquetReadObjects({ file });
    const [header, ...lines] = csv;
    expect(rows).toHaveLength(150);
    expect(Object.keys(rows[0]!)).toEqual(header);
    rows.forEach((row, i) => {
      const line = lines[i]!;
      expect(row.species).toBe(line[0]);
      expect(row.prediction).toBe(line[1]);
      // CSV writes each double as JavaScript prints it: the same number, exactly.
      header!.slice(2).forEach((column, k) => expect(row[column]).toBe(Number(line[2 + k])));
    });
  });

  it('refuses bad requests with problem+json and creates nothing', async () => {
    const before = await env().deps.db.batchPrediction.count();
    const cases: [unknown, number, string][] = [
      [{ model: 'iris', datasetId: '00000000-0000-4000-8000-000000000000' }, 422, 'unknown_dataset'],
      [{ model: 'iris', datasetId: dataset.id, passthrough: ['customer'] }, 422, 'unknown_passthrough_columns'],
      [{ model: 'iris', datasetId: dataset.id, passthrough: ['prediction'] }, 400, 'validation_failed'],
      [{ model: 'nope', datasetId: dataset.id }, 404, 'not_found'],
      [{ model: 'iris', version: 9, datasetId: dataset.id }, 404, 'not_found'],
      [{ model: 'iris', version: 1, alias: 'production', datasetId: dataset.id }, 400, 'validation_failed'],
      [{ model: 'iris', datasetId: dataset.id, outputFormat: 'xlsx' }, 400, 'validation_failed'],
    ];
    for (const [payload, status, code] of cases) {
      const answer = await post('/v1/batch-predictions', payload);
      expect({ payload, status: answer.statusCode, code: answer.json().code }).toEqual({ payload, status, code });
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const wrongType = await env().app.inject({
      method: 'POST',
      url: '/v1/batch-predictions/upload?model=iris',
      headers: { ...auth(), 'content-type': 'application/pdf' },
      payload: 'x',
    });
    expect(wrongType.statusCode).toBe(415);
    expect(await env().deps.db.batchPrediction.count()).toBe(before);
  });

  it("answers 404 for another project's batch predictions, and never shows them", async () => {
    const mine = (await get('/v1/batch-predictions')).json().items[0].id as string;
    const other = await createTenant(env());
    for (const url of [
      `/v1/batch-predictions/${mine}`,
      `/v1/batch-predictions/${mine}/output`,
      `/v1/batch-predictions/${mine}/errors`,
    ])
      expect((await get(url, other.auth)).statusCode).toBe(404);
    expect((await post(`/v1/batch-predictions/${mine}/cancel`, {}, other.auth)).statusCode).toBe(404);
    expect((await get('/v1/batch-predictions', other.auth)).json().items).toEqual([]);
    // Their model is not ours either.
    expect((await post('/v1/batch-predictions', { model: 'iris', datasetId: dataset.id }, other.auth)).statusCode).toBe(
      422,
    );
  });
});
