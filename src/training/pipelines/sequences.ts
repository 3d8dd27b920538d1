/**
 * Numeric sequences from a CSV/NDJSON of time-ordered rows (file order is time order):
 * windows of `lookback` rows of the numeric columns (src/preprocessing/sequence-windows.ts). A
 * numeric target is forecast `horizon` rows ahead; a categorical one labels each window by
 * its value at the window's last row. Windows are split in time order (train, then
 * validation, then test) so no model is tested on the past it was trained on the future of;
 * scaling statistics come from the training rows only.
 */
import { buildDeepModel } from '../../models/architectures/index.ts';
import type { DeepInput, DeepTask } from '../../models/architectures/schemas.ts';
import { SequenceWindows } from '../../preprocessing/sequence-windows.ts';
import type { SequenceRow } from '../../preprocessing/sequence-windows.ts';
import { UnprocessableError } from '../../errors.ts';
import type { Label } from '../../preprocessing/preprocessing-state.ts';
import type { DeepExamples } from '../loop/deep-loop.ts';
import { splitWindows } from './split.ts';
import { sequenceColumns, sequenceWindowing } from './deep-plan.ts';
import { sortedLabels } from './examples.ts';
import type { DeepRequest, PreparedDeep } from './contract.ts';
import { keyedEntries } from '../../user-keys.ts';

/** Windows the rows, fits the scaling on the training part and describes the model. */
export function prepareSequences(request: DeepRequest): PreparedDeep {
  const { model: spec, plan } = request;
  const { target, task } = plan;
  // The plan made sure of numeric columns; a numeric target is among them (its own history).
  const features = sequenceColumns(request.columns, request.target, request.features);
  const windowing = sequenceWindowing(spec, task);
  const { lookback, horizon, stride, forecast } = windowing;
  // A row with a missing value cannot be scaled; it is left out (the series closes up around it).
  const rows = (request.rows ?? []).filter(
    (row) =>
      features.every((f) => typeof row[f] === 'number') && row[target.name] !== null && row[target.name] !== undefined,
  );
  const series = rows.map((row) => keyedEntries(features.map((f) => [f, row[f] as number])) as SequenceRow);
  const {
    windows,
    train: trainCount,
    validation: validationCount,
    gap,
  } = splitWindows(rows.length, windowing, request.split);
  const trainRows = series.slice(0, (trainCount - 1) * stride + lookback + (forecast ? horizon : 0));
  let fitted: SequenceWindows;
  let all: DeepExamples;
  let labels: Label[] = [];
  if (forecast) {
    fitted = SequenceWindows.fit({ mode: 'forecast', features, targets: [target.name], lookback, horizon, stride }, [
      trainRows,
    ]);
    const w = fitted.forecastWindows(series);
    all = { x: w.x, y: w.y ?? new Float32Array(), count: w.count, shape: [lookback, features.length], yWidth: horizon };
  } else {
    fitted = SequenceWindows.fit({ mode: 'classify', features, length: lookback }, [trainRows]);
    const ends = Array.from({ length: windows }, (_, i) => i * stride + lookback - 1);
    const values = ends.map((end) => rows[end]![target.name] as Label);
    labels = sortedLabels(values);
    if (labels.length < 2)
      throw new UnprocessableError('single_class_target', 'Sequence classification needs at least two classes.', [
        { path: 'target', message: 'one class' },
      ]);
    const w = fitted.classificationExamples(ends.map((end) => series.slice(end - lookback + 1, end + 1)));
    const y = new Float32Array(windows * labels.length);
    values.forEach((value, i) => (y[i * labels.length + labels.indexOf(value)] = 1));
    all = { x: w.x, y, count: windows, shape: [lookback, features.length], yWidth: labels.length };
  }
  const take = (from: number, count: number) => slice(all, from, count);
  const validationStart = trainCount + gap;
  const testStart = validationCount > 0 ? validationStart + validationCount + gap : validationStart;
  const state = fitted.toJSON();
  const t = features.indexOf(target.name);
  const input: DeepInput = { kind: 'sequence', timesteps: lookback, features: features.length };
  const deepTask: DeepTask = forecast
    ? { kind: 'regression', outputs: horizon }
    : { kind: 'classification', numClasses: labels.length };
  const params = spec.type === 'auto' ? undefined : spec;
  if (!params || (params.type !== 'cnn' && params.type !== 'rnn' && params.type !== 'lstm' && params.type !== 'gru')) {
    throw new UnprocessableError(
      'architecture_incompatible',
      `A ${spec.type} model cannot read numeric sequences; use cnn, rnn, lstm or gru.`,
      [{ path: 'model.type', message: 'not a sequence model' }],
    );
  }
  return {
    task,
    modelType: params.type,
    input,
    deepTask,
    build: (seed) => buildDeepModel(params, input, deepTask, { seed }),
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
    },
    inputSchema: { features: features.map((name) => ({ name, type: 'number' as const })) },
    outputSchema: forecast
      ? { task: 'regression', target: target.name }
      : { task: 'classification', target: target.name, labels },
    train: take(0, trainCount),
    validation: take(validationStart, validationCount),
    test: take(testStart, windows - testStart),
    excludedColumns: request.columns
      .filter((c) => c.name !== target.name && !features.includes(c.name))
      .map((c) => ({ name: c.name, reason: 'not_requested', detail: 'sequence models read numeric columns' })),
    total: windows,
    dropped: (request.rows?.length ?? 0) - rows.length,
    unscale: forecast ? (values) => fitted.unscaleForecast(values) : undefined,
  };
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
