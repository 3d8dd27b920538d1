/**
 * Numeric sequences from a CSV/NDJSON of time-ordered rows: windows of `lookback` rows of the
 * numeric columns (src/preprocessing/sequence-windows.ts). A numeric target is forecast
 * `horizon` rows ahead from its own past (alone, when it is the only column) and the other
 * numeric columns'; a categorical one labels each window by its value at the window's last row.
 *
 * Rows are ordered by the time column when there is one (file order otherwise), and grouped by
 * the series column into series that are windowed apart (src/preprocessing/time-series.ts).
 * Each series' windows are split in time order (train, then validation, then test: the last
 * stretch), so no model is tested on the past it was trained on the future of; scaling
 * statistics come from the training rows only. Forecasts are judged against the naive and
 * seasonal-naive forecasts from the same test cut-offs (see forecast-metrics.ts).
 */
import { buildDeepModel } from '../../models/architectures/index.ts';
import { buildFixedLinear, buildFlatMlp, seasonalNaiveFit } from '../../models/architectures/forecasters.ts';
import { recurrentSchema } from '../../models/architectures/schemas.ts';
import type { DeepInput, DeepTask } from '../../models/architectures/schemas.ts';
import { sequenceInputSchema } from '../../models/deep-input-spec.ts';
import { SequenceWindows } from '../../preprocessing/sequence-windows.ts';
import type { SequenceRow } from '../../preprocessing/sequence-windows.ts';
import { orderSeries } from '../../preprocessing/time-series.ts';
import { calendarFeatureNames, calendarValues, canonicalTerms } from '../../preprocessing/calendar-features.ts';
import type { CalendarState } from '../../preprocessing/calendar-features.ts';
import type { OrderedSeries } from '../../preprocessing/time-series.ts';
import { UnprocessableError } from '../../errors.ts';
import { seasonalScale } from '../../evaluation/forecast-metrics.ts';
import { ridgeRegression } from '../../ml/least-squares.ts';
import type { Label } from '../../preprocessing/preprocessing-state.ts';
import type { DeepExamples } from '../loop/deep-loop.ts';
import { splitWindows } from './split.ts';
import type { WindowSplit } from './split.ts';
import { sequenceColumns, sequenceOf, sequenceWindowing } from './deep-plan.ts';
import { sortedLabels } from './examples.ts';
import type { DeepRequest, ForecastCandidate, PreparedDeep } from './contract.ts';
import { keyedEntries } from '../../user-keys.ts';

/** One series with its windows' split. */
interface SplitSeries extends OrderedSeries {
  parts: WindowSplit;
}

/** Orders and windows the rows, fits the scaling on the training part and describes the model. */
export function prepareSequences(request: DeepRequest): PreparedDeep {
  const { model: spec, plan } = request;
  const { target, task } = plan;
  const sequence = sequenceOf(spec) ?? sequenceInputSchema.parse({});
  // The plan made sure of numeric columns; a numeric target is among them (its own history).
  const columns = sequenceColumns(request.columns, request.target, request.features, sequence);
  // Calendar features follow the data columns in every row: computed from the row's time, scaled like the rest.
  const calendar: CalendarState | undefined =
    sequence.calendarFeatures !== undefined && sequence.timeColumn !== undefined
      ? { timeColumn: sequence.timeColumn, terms: canonicalTerms(sequence.calendarFeatures) }
      : undefined;
  const calendarNames = calendar ? calendarFeatureNames(calendar) : [];
  const features = [...columns, ...calendarNames];
  const windowing = sequenceWindowing(spec, task);
  const { lookback, horizon, stride, forecast } = windowing;
  const { series: ordered, dropped } = orderSeries(request.rows ?? [], {
    timeColumn: sequence.timeColumn,
    seriesColumn: sequence.seriesColumn,
    fillGaps: sequence.fillGaps,
    values: columns,
    labels: forecast ? [] : [target.name],
  });
  if (calendar)
    for (const s of ordered)
      s.rows = s.rows.map((row, i) => {
        const values = calendarValues(calendar.terms, s.times![i]!);
        return { ...row, ...Object.fromEntries(calendarNames.map((name, k) => [name, values[k]!])) };
      });
  const series: SplitSeries[] = ordered.map((s) => ({ ...s, parts: splitSeries(s, windowing, request.split) }));
  const trainingRows = (s: SplitSeries) =>
    s.rows.slice(0, (s.parts.train - 1) * stride + lookback + (forecast ? horizon : 0));
  const asSequence = (rows: readonly Record<string, unknown>[]) =>
    rows.map((row) => keyedEntries(features.map((f) => [f, row[f] as number])) as SequenceRow);
  const shape = [lookback, features.length];
  let fitted: SequenceWindows;
  let labels: Label[] = [];
  const perSeries: DeepExamples[] = [];
  if (forecast) {
    fitted = SequenceWindows.fit(
      { mode: 'forecast', features, targets: [target.name], lookback, horizon, stride },
      series.map((s) => asSequence(trainingRows(s))),
    );
    for (const s of series) {
      const w = fitted.forecastWindows(asSequence(s.rows));
      perSeries.push({ x: w.x, y: w.y ?? new Float32Array(), count: w.count, shape, yWidth: horizon });
    }
  } else {
    fitted = SequenceWindows.fit(
      { mode: 'classify', features, length: lookback },
      series.map((s) => asSequence(trainingRows(s))),
    );
    const endsOf = (s: SplitSeries) => Array.from({ length: s.parts.windows }, (_, i) => i * stride + lookback - 1);
    labels = sortedLabels(series.flatMap((s) => endsOf(s).map((end) => s.rows[end]![target.name] as Label)));
    if (labels.length < 2)
      throw new UnprocessableError('single_class_target', 'Sequence classification needs at least two classes.', [
        { path: 'target', message: 'one class' },
      ]);
    for (const s of series) {
      const ends = endsOf(s);
      const rows = asSequence(s.rows);
      const w = fitted.classificationExamples(ends.map((end) => rows.slice(end - lookback + 1, end + 1)));
      const y = new Float32Array(ends.length * labels.length);
      ends.forEach((end, i) => (y[i * labels.length + labels.indexOf(s.rows[end]![target.name] as Label)] = 1));
      perSeries.push({ x: w.x, y, count: ends.length, shape, yWidth: labels.length });
    }
  }
  const part = (which: 'train' | 'validation' | 'test') =>
    concat(
      series.map((s, i) => {
        const { train, validation, gap, windows } = s.parts;
        const validationStart = train + gap;
        const testStart = validation > 0 ? validationStart + validation + gap : validationStart;
        const [from, count] =
          which === 'train'
            ? [0, train]
            : which === 'validation'
              ? [validationStart, validation]
              : [testStart, windows - testStart];
        return slice(perSeries[i]!, from, count);
      }),
      shape,
      forecast ? horizon : labels.length,
    );
  const train = part('train');
  const state = fitted.toJSON();
  const t = features.indexOf(target.name);
  const input: DeepInput = { kind: 'sequence', timesteps: lookback, features: features.length };
  const deepTask: DeepTask = forecast
    ? { kind: 'regression', outputs: horizon }
    : { kind: 'classification', numClasses: labels.length };
  const model = sequenceModel(spec, input, deepTask, shape, train, { target: t, horizon, season: sequence.season });
  return {
    task,
    ...model,
    input,
    deepTask,
    preprocessing: {
      kind: 'sequence',
      version: 1,
      windows: state,
      target: forecast
        ? {
            task: 'regression',
            name: target.name,
            standardized: true,
            mean: state.mean[t] ?? 0,
            std: state.std[t] ?? 1,
          }
        : { task: 'classification', name: target.name, labels },
      ...(forecast
        ? {
            series: {
              ...(sequence.timeColumn !== undefined ? { timeColumn: sequence.timeColumn } : {}),
              ...(sequence.seriesColumn !== undefined ? { seriesColumn: sequence.seriesColumn } : {}),
              season: sequence.season,
            },
          }
        : {}),
      ...(calendar ? { calendar } : {}),
    },
    inputSchema: { features: columns.map((name) => ({ name, type: 'number' as const })) },
    outputSchema: forecast
      ? { task: 'regression', target: target.name }
      : { task: 'classification', target: target.name, labels },
    train,
    validation: part('validation'),
    test: part('test'),
    excludedColumns: request.columns
      .filter((c) => c.name !== target.name && !columns.includes(c.name))
      .map((c) => ({
        name: c.name,
        reason: 'not_requested',
        detail:
          c.name === sequence.timeColumn
            ? calendar
              ? 'the time column orders the rows and gives the calendar features'
              : 'the time column orders the rows'
            : c.name === sequence.seriesColumn
              ? 'the series column groups the rows'
              : 'sequence models read numeric columns',
      })),
    total: series.reduce((sum, s) => sum + s.parts.windows, 0),
    dropped,
    unscale: forecast ? (values) => fitted.unscaleForecast(values) : undefined,
    forecast: forecast
      ? {
          ...baselines(series, target.name, windowing, sequence.season),
          season: sequence.season,
          intervalLevel: sequence.intervalLevel,
        }
      : undefined,
  };
}

/** A series' windows split in time order; a series too short to split is named. */
function splitSeries(s: OrderedSeries, windowing: Parameters<typeof splitWindows>[1], split: DeepRequest['split']) {
  try {
    return splitWindows(s.rows.length, windowing, split);
  } catch (error) {
    if (error instanceof UnprocessableError && s.key !== undefined)
      throw new UnprocessableError('too_few_rows', `Series '${s.key}': ${error.message}`, error.issues);
    throw error;
  }
}

/** The family, and how to build it: trained by the loop, or fitted in closed form on the training windows. */
function sequenceModel(
  spec: DeepRequest['model'],
  input: DeepInput,
  deepTask: DeepTask,
  shape: number[],
  train: DeepExamples,
  { target, horizon, season }: { target: number; horizon: number; season: number },
): Pick<PreparedDeep, 'modelType' | 'build' | 'closedForm' | 'candidates'> {
  // An autoregressive linear model: least squares on the training windows, exact and instant.
  const linear: ForecastCandidate = {
    modelType: 'linear',
    closedForm: true,
    build: () =>
      buildFixedLinear(
        shape,
        ridgeRegression(train.x, train.y, train.count, shape[0]! * shape[1]!, train.yWidth),
        'linear',
      ),
  };
  const seasonal: ForecastCandidate = {
    modelType: 'seasonalNaive',
    closedForm: true,
    build: () =>
      buildFixedLinear(shape, seasonalNaiveFit(shape[0]!, shape[1]!, target, horizon, season), 'seasonalNaive'),
  };
  switch (spec.type) {
    case 'cnn':
    case 'rnn':
    case 'lstm':
    case 'gru':
    case 'transformer':
      return { modelType: spec.type, build: (seed) => buildDeepModel(spec, input, deepTask, { seed }) };
    case 'mlp':
      return { modelType: 'mlp', build: (seed) => buildFlatMlp(spec.hiddenLayers, shape, deepTask, seed) };
    case 'linear':
      return linear;
    case 'auto': {
      // The fast baselines and two neural forecasters, compared on the validation part (deep.ts).
      const candidates: ForecastCandidate[] = [linear];
      if (season <= shape[0]!) candidates.unshift(seasonal);
      candidates.push(
        {
          modelType: 'mlp',
          build: (seed) => buildFlatMlp([{ units: 32, activation: 'relu', dropout: 0 }], shape, deepTask, seed),
        },
        {
          modelType: 'gru',
          build: (seed) =>
            buildDeepModel(recurrentSchema.parse({ type: 'gru', units: [16] }), input, deepTask, { seed }),
        },
      );
      return { ...linear, candidates };
    }
    case 'seasonalNaive':
      if (season > shape[0]!)
        throw new UnprocessableError(
          'invalid_series_spec',
          `A seasonal-naive forecast looks ${season} rows back; lookback must be at least that.`,
          [{ path: 'model.sequence.season', message: 'longer than lookback' }],
        );
      return {
        modelType: 'seasonalNaive',
        closedForm: true,
        build: () =>
          buildFixedLinear(shape, seasonalNaiveFit(shape[0]!, shape[1]!, target, horizon, season), 'seasonalNaive'),
      };
    default:
      throw new UnprocessableError(
        'architecture_incompatible',
        `A ${spec.type} model cannot read numeric sequences; use cnn, rnn, lstm, gru, transformer, mlp, linear or seasonalNaive.`,
        [{ path: 'model.type', message: 'not a sequence model' }],
      );
  }
}

/**
 * The naive and seasonal-naive forecasts at every test cut-off (origin-major, as the test
 * targets), and the MASE scale: the in-sample seasonal differences of the training rows.
 */
function baselines(
  series: readonly SplitSeries[],
  target: string,
  { lookback, horizon, stride }: { lookback: number; horizon: number; stride: number },
  season: number,
): { naive: number[]; seasonalNaive: number[]; scale: number } {
  const naive: number[] = [];
  const seasonalNaive: number[] = [];
  const training: number[][] = [];
  for (const s of series) {
    const values = s.rows.map((row) => row[target] as number);
    const { train, validation, gap, windows } = s.parts;
    const testStart = validation > 0 ? train + validation + 2 * gap : train + gap;
    for (let i = testStart; i < windows; i++) {
      const end = i * stride + lookback - 1;
      for (let h = 1; h <= horizon; h++) {
        naive.push(values[end]!);
        seasonalNaive.push(values[Math.max(0, end + h - season * Math.ceil(h / season))]!);
      }
    }
    training.push(values.slice(0, (train - 1) * stride + lookback + horizon));
  }
  return { naive, seasonalNaive, scale: seasonalScale(training, season) };
}

function slice(all: DeepExamples, from: number, count: number): DeepExamples {
  const size = all.shape.reduce((a, b) => a * b, 1);
  return {
    x: all.x.slice(from * size, (from + count) * size),
    y: all.y.slice(from * all.yWidth, (from + count) * all.yWidth),
    count,
    shape: all.shape,
    yWidth: all.yWidth,
  };
}

function concat(parts: readonly DeepExamples[], shape: number[], yWidth: number): DeepExamples {
  if (parts.length === 1) return parts[0]!;
  const count = parts.reduce((sum, p) => sum + p.count, 0);
  const size = shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(count * size);
  const y = new Float32Array(count * yWidth);
  let offset = 0;
  for (const p of parts) {
    x.set(p.x, offset * size);
    y.set(p.y, offset * yWidth);
    offset += p.count;
  }
  return { x, y, count, shape, yWidth };
}
