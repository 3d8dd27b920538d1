import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestEnv, TestTenant } from '../support/test-env.ts';
import {
  createTrainingEnv,
  fixture,
  getVersion,
  postDataset,
  trainToSuccess,
  uploadCsv,
  waitForJob,
} from '../support/training.ts';

// Real series written by test/fixtures/series/build-series-fixtures.py from statsmodels' data:
// yearly sunspot numbers 1700-2008 (one column, file order is year order) and monthly Mauna
// Loa CO2 1958-2001 with its date column.
let env: TestEnv;
let tenant: TestTenant;
let close: (() => Promise<void>) | undefined;
let sunspotsId: string;
let co2Id: string;

const sunspots = readFileSync(fixture('series/sunspots.csv'), 'utf8').trim().split('\n').slice(1).map(Number);

beforeAll(async () => {
  ({ env, tenant, close } = await createTrainingEnv());
  sunspotsId = (await uploadCsv(env, tenant, 'series/sunspots.csv', 'sunspots')).id;
  co2Id = (await uploadCsv(env, tenant, 'series/co2-monthly.csv', 'co2')).id;
});
afterAll(() => close?.());

const post = (url: string, payload: unknown) =>
  env.app.inject({ method: 'POST', url, headers: tenant.auth, payload: payload as object });

async function uploadText(name: string, csv: string): Promise<string> {
  const response = await postDataset(env, tenant.auth, name, csv, 'text/csv');
  expect(response.statusCode).toBe(201);
  return response.json().id;
}

async function trainToFailure(payload: object) {
  const submitted = await post('/v1/training-jobs', payload);
  expect(submitted.statusCode).toBe(202);
  const job = await waitForJob(env, tenant, submitted.json().id);
  expect(job.status).toBe('failed');
  return job;
}

/** Solves the normal equations (Gaussian elimination with partial pivoting): the reference fit, apart from the product's. */
function leastSquares(rows: number[][], y: number[]): number[] {
  const width = rows[0]!.length;
  const a = Array.from({ length: width }, (_, i) => [
    ...Array.from({ length: width }, (_, j) => rows.reduce((s, r) => s + r[i]! * r[j]!, 0)),
    rows.reduce((s, r, n) => s + r[i]! * y[n]!, 0),
  ]);
  for (let c = 0; c < width; c++) {
    const pivot = a.slice(c).reduce((best, row, i) => (Math.abs(row[c]!) > Math.abs(a[best]![c]!) ? c + i : best), c);
    [a[c], a[pivot]] = [a[pivot]!, a[c]!];
    for (let r = 0; r < width; r++) {
      if (r === c) continue;
      const factor = a[r]![c]! / a[c]![c]!;
      for (let k = c; k <= width; k++) a[r]![k]! -= factor * a[c]![k]!;
    }
  }
  return a.map((row, i) => row[width]! / row[i]!);
}

const rmse = (errors: number[]) => Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length);

// The last 20% of the years with a full 9-year history before them: the test part of a lookback-9 split.
const LAGS = 9;
const windows = sunspots.length - LAGS;
const testYears = Math.round(windows * 0.2);
const firstTest = sunspots.length - testYears;
const lagsAt = (t: number) => [1, ...Array.from({ length: LAGS }, (_, k) => sunspots[t - 1 - k]!)];
// AR(9) by ordinary least squares on the years before the test part.
const trainingYears = Array.from({ length: firstTest - LAGS }, (_, i) => i + LAGS);
const ar9 = leastSquares(
  trainingYears.map(lagsAt),
  trainingYears.map((t) => sunspots[t]!),
);
const testYearIndexes = Array.from({ length: testYears }, (_, i) => firstTest + i);
const ar9Rmse = rmse(testYearIndexes.map((t) => sunspots[t]! - lagsAt(t).reduce((s, v, k) => s + v * ar9[k]!, 0)));
const persistenceRmse = rmse(testYearIndexes.map((t) => sunspots[t]! - sunspots[t - 1]!));

describe('forecasting a single series (yearly sunspots, one column)', () => {
  it('fits a linear autoregressive model equal to AR(9) by least squares, far better than persistence', async () => {
    const job = await trainToSuccess(env, tenant, {
      datasetId: sunspotsId,
      target: 'sunspots',
      modelName: 'sunspots-linear',
      split: { test: 0.2, validation: 0 },
      model: { type: 'linear', sequence: { lookback: LAGS } },
    });
    const { metrics } = job;
    console.log(
      `sunspots linear: rmse ${metrics.rmse.toFixed(2)}, AR(9) ${ar9Rmse.toFixed(2)}, persistence ${persistenceRmse.toFixed(2)}`,
    );
    expect(metrics.n).toBe(testYears);
    expect(metrics.origins).toBe(testYears);
    expect(Math.abs(metrics.rmse - ar9Rmse)).toBeLessThan(ar9Rmse * 0.01);
    // The persistence baseline is the naive forecast from the same cut-offs.
    expect(metrics.baselines.naive.rmse).toBeCloseTo(persistenceRmse, 3);
    expect(metrics.rmse).toBeLessThan(0.75 * persistenceRmse);
    expect(metrics.mase).toBeLessThan(1);
  });

  it('trains an MLP forecaster on the lagged values that beats persistence clearly and comes near AR(9)', async () => {
    const job = await trainToSuccess(env, tenant, {
      datasetId: sunspotsId,
      target: 'sunspots',
      modelName: 'sunspots-mlp',
      split: { test: 0.2, validation: 0 },
      model: {
        type: 'mlp',
        hiddenLayers: [{ units: 16 }],
        epochs: 40,
        batchSize: 32,
        learningRate: 0.01,
        seed: 1,
        sequence: { lookback: LAGS },
      },
    });
    const { metrics } = job;
    console.log(`sunspots mlp: rmse ${metrics.rmse.toFixed(2)}, AR(9) ${ar9Rmse.toFixed(2)}`);
    expect(metrics.rmse).toBeLessThan(0.8 * persistenceRmse);
    expect(metrics.rmse).toBeLessThan(1.25 * ar9Rmse);
    for (const key of ['mae', 'rmse', 'mape', 'smape', 'mase'])
      expect(Number.isFinite(metrics.perStep[0][key]), key).toBe(true);

    // The next year from the last nine: a point forecast inside its interval.
    const response = await post('/v1/models/sunspots-mlp/versions/1:predict', { instances: [sunspots.slice(-LAGS)] });
    expect(response.statusCode).toBe(200);
    const [prediction] = response.json().predictions;
    expect(prediction.interval.level).toBe(0.9);
    expect(prediction.interval.lower[0]).toBeLessThan(prediction.value);
    expect(prediction.interval.upper[0]).toBeGreaterThan(prediction.value);
  });

  it('trains a gru on the single column (once refused) and forecasts three years, evaluated per step', async () => {
    const job = await trainToSuccess(env, tenant, {
      datasetId: sunspotsId,
      target: 'sunspots',
      modelName: 'sunspots-gru',
      split: { test: 0.2, validation: 0.1 },
      model: {
        type: 'gru',
        units: [4],
        epochs: 2,
        batchSize: 128,
        seed: 1,
        sequence: { lookback: 6, horizon: 3 },
      },
    });
    expect(job.metrics.horizon).toBe(3);
    expect(job.metrics.perStep.map((s: { step: number }) => s.step)).toEqual([1, 2, 3]);
    const version = await getVersion(env, tenant, 'sunspots-gru');
    expect(version.inputSchema.features.map((f: { name: string }) => f.name)).toEqual(['sunspots']);
    expect(version.preprocessing.intervals.lower).toHaveLength(3);
    const response = await post('/v1/models/sunspots-gru:predict', { instances: [sunspots.slice(-10)] });
    expect(response.statusCode).toBe(200);
    const [prediction] = response.json().predictions;
    expect(prediction.forecast).toHaveLength(3);
    expect(prediction.interval.upper).toHaveLength(3);
  });
});

describe('forecasting a seasonal series by its time column (monthly CO2)', () => {
  it('beats the seasonal-naive forecast: MASE below 1, and below the baseline on the same cut-offs', async () => {
    const sequence = { lookback: 24, horizon: 1, timeColumn: 'date', season: 12 };
    const baseline = await trainToSuccess(env, tenant, {
      datasetId: co2Id,
      target: 'co2',
      modelName: 'co2-seasonal-naive',
      split: { test: 0.2, validation: 0 },
      model: { type: 'seasonalNaive', sequence },
    });
    const job = await trainToSuccess(env, tenant, {
      datasetId: co2Id,
      target: 'co2',
      modelName: 'co2-linear',
      split: { test: 0.2, validation: 0 },
      model: { type: 'linear', sequence },
    });
    const { metrics } = job;
    console.log(
      `co2 linear: mase ${metrics.mase.toFixed(3)}, seasonal naive ${metrics.baselines.seasonalNaive.mase.toFixed(3)}`,
    );
    // The seasonal-naive model scores exactly its own baseline: the same cut-offs, the same scale.
    expect(baseline.metrics.mase).toBeCloseTo(metrics.baselines.seasonalNaive.mase, 4);
    expect(metrics.mase).toBeLessThan(1);
    expect(metrics.mase).toBeLessThan(metrics.baselines.seasonalNaive.mase);
    const version = await getVersion(env, tenant, 'co2-linear');
    expect(version.inputSchema.features.map((f: { name: string }) => f.name)).toEqual(['co2']);
  });
});

describe('auto on a series', () => {
  it('compares the baselines with neural forecasters on the validation part and keeps the best', async () => {
    const job = await trainToSuccess(env, tenant, {
      datasetId: sunspotsId,
      target: 'sunspots',
      modelName: 'sunspots-auto',
      split: { test: 0.2, validation: 0.1 },
      model: { type: 'auto', epochs: 1, batchSize: 256, seed: 1, sequence: { lookback: LAGS } },
    });
    const candidates = job.metrics.candidates as { modelType: string; validationMae: number }[];
    expect(candidates.map((c) => c.modelType)).toEqual(['seasonalNaive', 'linear', 'mlp', 'gru']);
    const best = candidates.reduce((a, b) => (b.validationMae < a.validationMae ? b : a));
    const version = await getVersion(env, tenant, 'sunspots-auto');
    expect(version.modelType).toBe(best.modelType);
    // One epoch leaves the neural ones behind the least-squares fit, which beats persistence.
    expect(best.modelType).toBe('linear');
    expect(job.metrics.mase).toBeLessThan(job.metrics.baselines.naive.mase);
  });
});

describe('time and series columns', () => {
  const monthly = (months: number[], value: (m: number) => number, store?: string) =>
    months.map((m) => {
      const date = new Date(Date.UTC(2020, m, 1)).toISOString().slice(0, 10);
      return store === undefined ? `${date},${value(m)}` : `${store},${date},${value(m)}`;
    });
  const months = Array.from({ length: 40 }, (_, m) => m);
  const model = { type: 'linear', sequence: { lookback: 3, timeColumn: 'date' } };

  it('orders rows by the time column and refuses duplicate timestamps and gaps, unless asked to fill them', async () => {
    // Shuffled file order: the time column puts it right, so a linear trend is forecast exactly.
    const shuffled = monthly(months, (m) => 10 + 2 * m).reverse();
    const ordered = await uploadText('trend', ['date,sales', ...shuffled].join('\n'));
    const job = await trainToSuccess(env, tenant, {
      datasetId: ordered,
      target: 'sales',
      modelName: 'trend',
      split: { test: 0.2, validation: 0 },
      model,
    });
    expect(job.metrics.mae).toBeLessThan(1e-2);

    const duplicated = await uploadText('dup', ['date,sales', ...monthly([...months, 5], (m) => m)].join('\n'));
    const failed = await trainToFailure({ datasetId: duplicated, target: 'sales', modelName: 'dup', model });
    expect(failed.error.code).toBe('duplicate_timestamps');

    const gappy = [
      'date,sales',
      ...monthly(
        months.filter((m) => m !== 7 && m !== 8),
        (m) => 10 + 2 * m,
      ),
    ].join('\n');
    const gapped = await uploadText('gaps', gappy);
    const refused = await trainToFailure({ datasetId: gapped, target: 'sales', modelName: 'gaps', model });
    expect(refused.error.code).toBe('irregular_series');
    const filled = await trainToSuccess(env, tenant, {
      datasetId: gapped,
      target: 'sales',
      modelName: 'gaps',
      split: { test: 0.2, validation: 0 },
      model: { type: 'linear', sequence: { lookback: 3, timeColumn: 'date', fillGaps: 'linear' } },
    });
    // Interpolation restores the two months: 40 rows, 37 windows, the last 7 tested.
    expect(filled.metrics.origins).toBe(7);
    expect(filled.metrics.mae).toBeLessThan(1e-2);
  });

  it('refuses at submission a time column that is not a column, or not a date or number', async () => {
    const unknown = await post('/v1/training-jobs', {
      datasetId: co2Id,
      target: 'co2',
      modelName: 'x',
      model: { type: 'linear', sequence: { timeColumn: 'when' } },
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().code).toBe('invalid_series_spec');
  });

  it('trains one model across several series without a window crossing from one to the next', async () => {
    // Two stores with very different levels; a window across the boundary would pair them.
    const rows = [...monthly(months, (m) => 100 + m, 'north'), ...monthly(months, (m) => 5000 - 3 * m, 'south')];
    const datasetId = await uploadText('stores', ['store,date,sales', ...rows].join('\n'));
    const job = await trainToSuccess(env, tenant, {
      datasetId,
      target: 'sales',
      modelName: 'stores',
      split: { test: 0.2, validation: 0 },
      model: { type: 'linear', sequence: { lookback: 3, timeColumn: 'date', seriesColumn: 'store' } },
    });
    // Each store: 40 rows make 37 windows, the last 7 tested; linear trends are forecast exactly.
    expect(job.metrics.origins).toBe(14);
    expect(job.metrics.mae).toBeLessThan(1e-1);
  });
});

describe('calendar features from the time column', () => {
  // 200 days from Monday 2024-01-01 whose level is set by the weekday, plus small seeded noise.
  const LEVELS = [20, 24, 26, 25, 22, 12, 8];
  let seed = 7;
  const noise = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31 - 0.5;
  };
  const days = Array.from({ length: 200 }, (_, d) => ({
    date: new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10),
    sales: Number((LEVELS[d % 7]! + noise()).toFixed(3)),
  }));
  const csv = ['date,sales', ...days.map((d) => `${d.date},${d.sales}`)].join('\n');
  const sequence = { lookback: 2, timeColumn: 'date' };

  it('refuses at submission calendar features without a time column, or on a numeric one', async () => {
    const datasetId = await uploadText('weekdays-refused', csv);
    const withoutTime = await post('/v1/training-jobs', {
      datasetId,
      target: 'sales',
      modelName: 'x',
      model: { type: 'linear', sequence: { lookback: 2, calendarFeatures: ['dayOfWeek'] } },
    });
    expect(withoutTime.statusCode).toBe(422);
    expect(withoutTime.json().code).toBe('invalid_series_spec');
    expect(withoutTime.json().issues[0].path).toBe('body.model.sequence.calendarFeatures');
    const years = await uploadText(
      'years',
      ['year,value', ...sunspots.slice(0, 40).map((v, i) => `${1700 + i},${v}`)].join('\n'),
    );
    const numeric = await post('/v1/training-jobs', {
      datasetId: years,
      target: 'value',
      modelName: 'x',
      model: { type: 'linear', sequence: { lookback: 2, timeColumn: 'year', calendarFeatures: ['month'] } },
    });
    expect(numeric.statusCode).toBe(422);
    expect(numeric.json().code).toBe('invalid_series_spec');
    expect(numeric.json().detail).toMatch(/numbers, not dates/);
  });

  it('forecasts a weekly pattern longer than the lookback from the day of week, and predicts from dated rows', async () => {
    const datasetId = await uploadText('weekdays', csv);
    const train = (modelName: string, extra: object) =>
      trainToSuccess(env, tenant, {
        datasetId,
        target: 'sales',
        modelName,
        split: { test: 0.2, validation: 0 },
        model: { type: 'linear', sequence: { ...sequence, ...extra } },
      });
    const plain = await train('weekdays-plain', {});
    const calendar = await train('weekdays-calendar', { calendarFeatures: ['dayOfWeek'] });
    console.log(
      `weekdays linear: mae ${plain.metrics.mae.toFixed(3)} plain, ${calendar.metrics.mae.toFixed(3)} with calendar`,
    );
    // Two days back cannot tell where in the week a day is; its date can.
    expect(calendar.metrics.mae).toBeLessThan(0.5 * plain.metrics.mae);
    expect(calendar.metrics.origins).toBe(plain.metrics.origins);

    const version = await getVersion(env, tenant, 'weekdays-calendar');
    expect(version.preprocessing.calendar).toEqual({ timeColumn: 'date', terms: ['dayOfWeek'] });
    expect(version.inputSchema.features.map((f: { name: string }) => f.name)).toEqual(['sales']);

    // Day 200 is a Friday (2024-07-19): the next value after the last two dated rows.
    const response = await post('/v1/models/weekdays-calendar:predict', { instances: [days.slice(-2)] });
    expect(response.statusCode).toBe(200);
    const [prediction] = response.json().predictions;
    expect(Number.isFinite(prediction.value)).toBe(true);
    expect(Math.abs(prediction.value - LEVELS[200 % 7]!)).toBeLessThan(3);

    // Without the dates the calendar features cannot be computed: a clear 400 naming the rows.
    const undated = await post('/v1/models/weekdays-calendar:predict', {
      instances: [days.slice(-2).map((d) => d.sales)],
    });
    expect(undated.statusCode).toBe(400);
    expect(undated.json().issues[0].path).toBe('instances.0.0');
    const badDate = await post('/v1/models/weekdays-calendar:predict', {
      instances: [[{ date: 'friday', sales: 1 }, days.at(-1)]],
    });
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json().issues[0].path).toBe('instances.0.0.date');
  });
});
