import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestEnv, TestTenant } from '../support/test-env.ts';
import { createTrainingEnv, getVersion, trainToSuccess, uploadCsv } from '../support/training.ts';

// Seattle daily weather 2012-2015 (test/fixtures/datasets), rows in date order: the shape of
// a sequence dataset is a CSV of time-ordered rows, and the target is the column to forecast.
let env: TestEnv;
let tenant: TestTenant;
let close: (() => Promise<void>) | undefined;
let datasetId: string;

beforeAll(async () => {
  ({ env, tenant, close } = await createTrainingEnv());
  datasetId = (await uploadCsv(env, tenant, 'datasets/seattle-weather.csv', 'weather')).id;
});
afterAll(() => close?.());

const post = (url: string, payload: unknown) =>
  env.app.inject({ method: 'POST', url, headers: tenant.auth, payload: payload as object });

describe('numeric series: CSV -> gru forecasting job -> predict with arrays', () => {
  it('forecasts the next two days of temp_max from the last week, better than predicting the mean', async () => {
    const job = await trainToSuccess(env, tenant, {
      datasetId,
      target: 'temp_max',
      task: 'regression',
      features: ['temp_min', 'precipitation'],
      modelName: 'weather',
      model: {
        type: 'gru',
        units: [16],
        epochs: 6,
        batchSize: 64,
        learningRate: 0.01,
        seed: 1,
        sequence: { lookback: 7, horizon: 2 },
      },
    });
    console.log(
      `weather gru forecast: r2 ${job.metrics.r2.toFixed(3)}, mae ${job.metrics.mae.toFixed(2)} C (n=${job.metrics.n})`,
    );
    // R² > 0 is better than always predicting the mean; daily temperatures are far more predictable.
    expect(job.metrics.r2).toBeGreaterThan(0.5);
    const version = await getVersion(env, tenant, 'weather');
    expect(version.preprocessing).toMatchObject({
      kind: 'sequence',
      windows: {
        config: { mode: 'forecast', lookback: 7, horizon: 2, features: ['precipitation', 'temp_max', 'temp_min'] },
      },
    });
    // The forecast column is part of its own history, in the dataset's column order.
    expect(version.inputSchema.features.map((f: { name: string }) => f.name)).toEqual([
      'precipitation',
      'temp_max',
      'temp_min',
    ]);
  });

  it('predicts from arrays of rows (features in input-schema order) and from objects', async () => {
    // [precipitation, temp_max, temp_min] per day: the first week of January 2012, and a warm week.
    const week = [
      [0.0, 12.8, 5.0],
      [10.9, 10.6, 2.8],
      [0.8, 11.7, 7.2],
      [20.3, 12.2, 5.6],
      [1.3, 8.9, 2.8],
      [2.5, 4.4, 2.2],
      [0.0, 7.2, 2.8],
    ];
    const warm = week.map(([p, , min]) => [p, 28, (min ?? 0) + 12]);
    const response = await post('/v1/models/weather/versions/1:predict', {
      instances: [
        week,
        warm,
        week.map(([precipitation, temp_max, temp_min]) => ({ temp_max, temp_min, precipitation })),
      ],
    });
    expect(response.statusCode).toBe(200);
    const [cold, hot, same] = response.json().predictions as { value: number; forecast: number[] }[];
    expect(cold!.forecast).toHaveLength(2);
    expect(cold!.value).toBe(cold!.forecast[0]);
    expect(hot!.value).toBeGreaterThan(cold!.value + 5);
    expect(same!.forecast).toEqual(cold!.forecast);
  });

  it('answers short or non-numeric series with 400 naming the instance, step and field', async () => {
    const response = await post('/v1/models/weather/versions/1:predict', {
      instances: [
        [[1, 2, 3]],
        [
          [1, 2, 3],
          [1, 'x', 3],
          [1, 2, 3],
          [1, 2, 3],
          [1, 2, 3],
          [1, 2, 3],
          [1, 2, 3],
        ],
      ],
    });
    expect(response.statusCode).toBe(400);
    const issues = JSON.stringify(response.json().issues);
    expect(issues).toContain('"instances.0"');
    expect(issues).toContain('instances.1.1.temp_max');
  });

  it('refuses a seasonal-naive forecast that would look further back than its window, before queueing anything', async () => {
    const response = await post('/v1/training-jobs', {
      datasetId,
      target: 'temp_max',
      modelName: 'x',
      model: { type: 'seasonalNaive', sequence: { lookback: 7, season: 365 } },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('invalid_series_spec');
  });
});
