import { readFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImageArchive } from '../../src/datasets/image-archive.ts';
import type { TestEnv, TestTenant } from '../support/test-env.ts';
import { createTrainingEnv, fixture, postDataset, trainToSuccess, uploadFixture } from '../support/training.ts';

let env: TestEnv;
let tenant: TestTenant;
let close: (() => Promise<void>) | undefined;
let digit: string;
const weatherRows: Record<string, number>[] = [];

/** Integrated gradients at 64 midpoint steps on these small models. */
const IG_TOLERANCE = 0.05;

const post = (url: string, payload: unknown) =>
  env.app.inject({ method: 'POST', url, headers: tenant.auth, payload: payload as object });

interface Explanation {
  prediction: { label?: string; value?: number };
  explained: { output: string; label?: string; value: number };
  baseline: number;
  attributions: { column: string; attribution: number }[];
  heatmap?: { width: number; height: number; values: number[]; png: string };
  tokens?: { token: string; attribution: number }[];
  steps?: number[][];
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

beforeAll(async () => {
  ({ env, tenant, close } = await createTrainingEnv());
  const zip = await readFile(fixture('images/digits.zip'));
  digit = Buffer.from((await readImageArchive(zip)).images[0]!.bytes).toString('base64');
  const digits = await postDataset(env, tenant.auth, 'digits', zip, 'application/zip');
  expect(digits.statusCode).toBe(201);
  await trainToSuccess(env, tenant, {
    datasetId: digits.json().id,
    target: 'label',
    modelName: 'digits',
    model: {
      type: 'cnn',
      epochs: 2,
      learningRate: 0.01,
      seed: 1,
      convBlocks: [{ filters: 8, kernelSize: 3 }],
      denseUnits: [16],
    },
  });
  const topics = await uploadFixture(env, tenant, 'text/topics.ndjson', 'topics');
  await trainToSuccess(env, tenant, {
    datasetId: topics.id,
    target: 'topic',
    modelName: 'topics',
    model: {
      type: 'transformer',
      embedDim: 8,
      numHeads: 1,
      ffDim: 16,
      epochs: 4,
      batchSize: 16,
      learningRate: 0.01,
      seed: 1,
      text: { maxTokens: 500, maxLength: 12 },
    },
  });
  const weather = await uploadFixture(env, tenant, 'datasets/seattle-weather.csv', 'weather');
  await trainToSuccess(env, tenant, {
    datasetId: weather.id,
    target: 'temp_max',
    task: 'regression',
    features: ['temp_min', 'precipitation'],
    modelName: 'weather',
    model: {
      type: 'gru',
      units: [8],
      epochs: 2,
      batchSize: 64,
      learningRate: 0.01,
      seed: 1,
      sequence: { lookback: 7, horizon: 2 },
    },
  });
  const csv = (await readFile(fixture('datasets/seattle-weather.csv'), 'utf8')).trim().split('\n').slice(1, 8);
  for (const line of csv) {
    const [, precipitation, tempMax, tempMin] = line.split(',').map(Number);
    weatherRows.push({ precipitation: precipitation!, temp_max: tempMax!, temp_min: tempMin! });
  }
}, 300_000);
afterAll(() => close?.());

describe('image explanations', () => {
  it('answers a per-pixel map as numbers and a PNG heatmap, complete within the tolerance', async () => {
    const response = await post('/v1/models/digits/versions/1:explain', {
      instances: [{ b64: digit }],
      explanation: { steps: 64 },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.method).toBe('integrated-gradients');
    const [explanation] = body.explanations as Explanation[];
    const { heatmap } = explanation!;
    expect(heatmap).toMatchObject({ width: 8, height: 8 });
    expect(heatmap!.values).toHaveLength(64);
    const png = PNG.sync.read(Buffer.from(heatmap!.png, 'base64'));
    expect([png.width, png.height]).toEqual([8, 8]);
    expect(explanation!.attributions).toEqual([{ column: 'image', attribution: expect.any(Number) }]);
    expect(explanation!.attributions[0]!.attribution).toBeCloseTo(sum(heatmap!.values), 4);
    expect(explanation!.explained.label).toBe(explanation!.prediction.label);
    expect(Math.abs(explanation!.baseline + sum(heatmap!.values) - explanation!.explained.value)).toBeLessThan(
      IG_TOLERANCE,
    );
  });

  it('answers SmoothGrad maps, the same for the same seed; Shapley is refused for images', async () => {
    const body = { instances: [{ b64: digit }], explanation: { method: 'smoothgrad', samples: 8, seed: 3 } };
    const first = await post('/v1/models/digits:explain', body);
    expect(first.statusCode).toBe(200);
    expect(first.json().explanations[0].heatmap.values).toHaveLength(64);
    expect((await post('/v1/models/digits:explain', body)).json()).toEqual(first.json());
    const refused = await post('/v1/models/digits:explain', {
      instances: [{ b64: digit }],
      explanation: { method: 'shapley' },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('explanation_method_unsupported');
  });
});

describe('evaluation of deep versions', () => {
  const get = (url: string) => env.app.inject({ method: 'GET', url, headers: tenant.auth });

  it('stores per-class curves for an image classifier and residuals for a forecast', async () => {
    const digits = (await get('/v1/models/digits/versions/1/evaluation')).json();
    expect(digits.labels).toHaveLength(10);
    expect(digits.roc).toHaveLength(10);
    expect(digits.confusionMatrix.counts).toHaveLength(10);
    expect(digits.history.epochs).toEqual([1, 2]);
    const weather = (await get('/v1/models/weather/versions/1/evaluation')).json();
    expect(weather).toMatchObject({ task: 'forecast', roc: null, confusionMatrix: null });
    expect(weather.residuals.points.length).toBeGreaterThan(0);
    expect(weather.residuals.points.length).toBeLessThanOrEqual(500);
  });

  it('stores training and validation metric curves per epoch, as the job reported them', async () => {
    const digits = (await get('/v1/models/digits/versions/1/evaluation')).json();
    expect(Object.keys(digits.history.metrics).sort()).toEqual(['accuracy', 'valAccuracy']);
    for (const values of Object.values(digits.history.metrics) as number[][]) {
      expect(values).toHaveLength(2);
      for (const value of values) expect(value >= 0 && value <= 1).toBe(true);
    }
    const version = (await get('/v1/models/digits/versions/1')).json();
    const job = (await get(`/v1/training-jobs/${version.lineage.trainingJobId}`)).json();
    expect(job.progress.epochs.map((e: { metrics: Record<string, number> }) => e.metrics.accuracy)).toEqual(
      digits.history.metrics.accuracy,
    );
    const weather = (await get('/v1/models/weather/versions/1/evaluation')).json();
    // In the target's units (°C): a forecast of Seattle's maxima is off by degrees, not by thousands.
    expect(Object.keys(weather.history.metrics).sort()).toEqual(['mae', 'valMae']);
    for (const mae of weather.history.metrics.valMae as number[]) expect(mae > 0 && mae < 30, String(mae)).toBe(true);
  });

  it('stores permutation importance of deep models: image regions, text columns, sequence features', async () => {
    const digits = (await get('/v1/models/digits/versions/1/evaluation')).json();
    expect(digits.importance).toMatchObject({ method: 'permutation', metric: 'accuracy', repeats: 3 });
    expect(digits.importance.columns).toHaveLength(16);
    expect(digits.importance.columns.map((c: { column: string }) => c.column)).toContain('image region 1,1');
    const topics = (await get('/v1/models/topics/versions/1/evaluation')).json();
    expect(topics.importance.columns.map((c: { column: string }) => c.column)).toEqual(['text']);
    const weather = (await get('/v1/models/weather/versions/1/evaluation')).json();
    expect(weather.importance.metric).toBe('rmse');
    expect(weather.importance.columns.map((c: { column: string }) => c.column).sort()).toEqual([
      'precipitation',
      'temp_max',
      'temp_min',
    ]);
    // A forecast of the maximum temperature leans on the temperatures more than on the rain.
    const mean = (name: string) =>
      weather.importance.columns.find((c: { column: string }) => c.column === name).mean as number;
    expect(Math.max(mean('temp_max'), mean('temp_min'))).toBeGreaterThan(mean('precipitation'));
  });
});

describe('text and sequence explanations', () => {
  it('attributes a text per token, completeness exact', async () => {
    const response = await post('/v1/models/topics/versions/1:explain', {
      instances: ['The telescope captured a faint galaxy'],
      explanation: { samples: 16 },
    });
    expect(response.statusCode).toBe(200);
    const [explanation] = response.json().explanations as Explanation[];
    expect(explanation!.tokens!.map((t) => t.token)).toEqual(['the', 'telescope', 'captured', 'a', 'faint', 'galaxy']);
    const total = explanation!.baseline + sum(explanation!.tokens!.map((t) => t.attribution));
    expect(Math.abs(total - explanation!.explained.value)).toBeLessThan(1e-4);
    expect(explanation!.attributions[0]!.column).toBe('text');
  });

  it('attributes a forecast per time step and feature, complete within the tolerance', async () => {
    const response = await post('/v1/models/weather/versions/1:explain', { instances: [weatherRows] });
    expect(response.statusCode).toBe(200);
    const [explanation] = response.json().explanations as Explanation[];
    expect(explanation!.explained.output).toBe('value');
    expect(explanation!.explained.value).toBeCloseTo(explanation!.prediction.value!, 3);
    expect(explanation!.steps).toHaveLength(7);
    // The forecast column is part of its own history.
    expect(explanation!.steps!.every((step) => step.length === 3)).toBe(true);
    expect(explanation!.attributions.map((a) => a.column).sort()).toEqual(['precipitation', 'temp_max', 'temp_min']);
    const total = explanation!.baseline + sum(explanation!.steps!.flat());
    // The value is in °C: the tolerance scales with the target's spread.
    expect(Math.abs(total - explanation!.explained.value)).toBeLessThan(0.5);
  });
});
