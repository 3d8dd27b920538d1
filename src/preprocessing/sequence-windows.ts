/**
 * Numeric sequences -> fixed-shape `[timesteps, features]` examples for recurrent and 1-D
 * convolutional models, in two modes:
 *
 * - `forecast`: one long series (rows in time order) is cut into sliding windows of
 *   `lookback` rows, each labelled with the next `horizon` rows of the target columns;
 * - `classify`: each example is its own sequence, padded or truncated to `length` rows.
 *
 * Features are standardised with statistics from the training data, kept in the serialisable
 * state so prediction scales inputs (and unscales forecasts) exactly as training did.
 */
import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { momentsOf } from '../datasets/running-moments.ts';
import { unscalableColumn } from './feature-encoding.ts';
import { parseSavedState } from './parse-saved-state.ts';

const columns = z.array(z.string().min(1)).min(1).max(256);

/** How sequences become examples; strict, with bounds. */
export const sequenceWindowConfigSchema = z.discriminatedUnion('mode', [
  z
    .object({
      mode: z.literal('forecast'),
      features: columns,
      /** Columns to predict (default: all features); each must be a feature too. */
      targets: columns.optional(),
      lookback: z.number().int().min(1).max(1024),
      horizon: z.number().int().min(1).max(256).default(1),
      /** Rows between the starts of consecutive windows. */
      stride: z.number().int().min(1).max(1024).default(1),
    })
    .strict(),
  z
    .object({
      mode: z.literal('classify'),
      features: columns,
      length: z.number().int().min(1).max(4096),
      /** 'pre' (default) keeps the most recent rows next to the end, where an RNN reads last. */
      padding: z.enum(['pre', 'post']).default('pre'),
      truncation: z.enum(['pre', 'post']).default('pre'),
    })
    .strict(),
]);

export type SequenceWindowConfig = z.output<typeof sequenceWindowConfigSchema>;

const stateSchema = z
  .object({
    kind: z.literal('sequence-windows'),
    version: z.literal(1),
    config: sequenceWindowConfigSchema,
    mean: z.array(z.number()),
    std: z.array(z.number().positive()),
  })
  .strict();

export type SequenceWindowsState = z.output<typeof stateSchema>;

/** Rows of feature values keyed by column name, in time order. */
export type SequenceRow = Readonly<Record<string, number>>;

/** Examples ready for `tf.tensor3d(x, [count, timesteps, features])` (and `y`, `[count, targets]`). */
export interface WindowedExamples {
  x: Float32Array;
  y: Float32Array | undefined;
  count: number;
  timesteps: number;
  features: number;
}

/** A fitted windowing: config plus per-feature standardisation statistics. */
export class SequenceWindows {
  private constructor(readonly state: SequenceWindowsState) {}

  /** Parses `config` and fits the statistics on training rows (one series, or many sequences). */
  static fit(
    config: z.input<typeof sequenceWindowConfigSchema>,
    training: readonly (readonly SequenceRow[])[],
  ): SequenceWindows {
    const parsed = sequenceWindowConfigSchema.parse(config);
    if (parsed.mode === 'forecast') {
      const missing = (parsed.targets ?? []).filter((t) => !parsed.features.includes(t));
      if (missing.length > 0) throw new ValidationError(`Forecast targets must be features: ${missing.join(', ')}.`);
    }
    const rows = training.flat();
    if (rows.length === 0) throw new ValidationError('No training rows to fit the sequence statistics on.');
    const matrix = rows.map((row, i) => readRow(row, parsed.features, i));
    const moments = parsed.features.map((name, f) => {
      const { mean, std } = momentsOf(matrix.map((r) => r[f] ?? 0));
      if (!Number.isFinite(std)) throw unscalableColumn(name);
      return { mean, std };
    });
    const mean = moments.map((m) => m.mean);
    // A constant column gets std 1 so it scales to 0 instead of dividing by zero.
    const std = moments.map((m) => m.std || 1);
    return new SequenceWindows({ kind: 'sequence-windows', version: 1, config: parsed, mean, std });
  }

  /** Restores a state saved with `toJSON`; throws `ValidationError` when malformed. */
  static fromJSON(json: unknown): SequenceWindows {
    const state = parseSavedState(stateSchema, json, 'sequence windowing');
    const { config, mean, std } = state;
    if (mean.length !== config.features.length || std.length !== config.features.length)
      throw new ValidationError('The sequence statistics do not match the features.');
    return new SequenceWindows(state);
  }

  toJSON(): SequenceWindowsState {
    return structuredClone(this.state);
  }

  get config(): SequenceWindowConfig {
    return this.state.config;
  }

  /** Model input shape per example: `[timesteps, features]`. */
  get inputShape(): [number, number] {
    const c = this.state.config;
    return [c.mode === 'forecast' ? c.lookback : c.length, c.features.length];
  }

  /** Forecast outputs per example (`horizon x targets`, horizon-major); 0 in classify mode. */
  get outputSize(): number {
    const c = this.state.config;
    return c.mode === 'forecast' ? c.horizon * this.targetIndexes().length : 0;
  }

  /** Forecast mode: every complete window of `series` with its scaled next-`horizon` targets. */
  forecastWindows(series: readonly SequenceRow[]): WindowedExamples {
    const c = this.forecastConfig();
    const scaled = this.scaleRows(series);
    const targets = this.targetIndexes();
    const starts: number[] = [];
    for (let s = 0; s + c.lookback + c.horizon <= scaled.length; s += c.stride) starts.push(s);
    if (starts.length === 0)
      throw new ValidationError(
        `A series of ${series.length} rows is shorter than lookback + horizon (${c.lookback + c.horizon}).`,
      );
    const x = new Float32Array(starts.length * c.lookback * c.features.length);
    const y = new Float32Array(starts.length * this.outputSize);
    starts.forEach((s, n) => {
      scaled.slice(s, s + c.lookback).forEach((row, t) => x.set(row, (n * c.lookback + t) * c.features.length));
      scaled.slice(s + c.lookback, s + c.lookback + c.horizon).forEach((row, h) =>
        y.set(
          targets.map((f) => row[f] ?? 0),
          n * this.outputSize + h * targets.length,
        ),
      );
    });
    return { x, y, count: starts.length, timesteps: c.lookback, features: c.features.length };
  }

  /** Forecast mode, prediction: the last `lookback` rows as one example. */
  latestWindow(series: readonly SequenceRow[]): WindowedExamples {
    const c = this.forecastConfig();
    if (series.length < c.lookback)
      throw new ValidationError(`Forecasting needs the last ${c.lookback} rows; got ${series.length}.`);
    const x = new Float32Array(this.scaleRows(series.slice(series.length - c.lookback)).flat());
    return { x, y: undefined, count: 1, timesteps: c.lookback, features: c.features.length };
  }

  /** Forecast outputs (scaled, horizon-major) back to the targets' units. */
  unscaleForecast(values: ArrayLike<number>): number[] {
    const targets = this.targetIndexes();
    return Array.from(values, (v, i) => {
      const f = targets[i % targets.length] ?? 0;
      return v * (this.state.std[f] ?? 1) + (this.state.mean[f] ?? 0);
    });
  }

  /** Classify mode: each sequence scaled, then padded with zeros / truncated to `length`. */
  classificationExamples(sequences: readonly (readonly SequenceRow[])[]): WindowedExamples {
    const c = this.state.config;
    if (c.mode !== 'classify') throw new Error('classificationExamples needs a config in classify mode.');
    const width = c.features.length;
    const x = new Float32Array(sequences.length * c.length * width);
    sequences.forEach((sequence, n) => {
      let rows = this.scaleRows(sequence);
      if (rows.length > c.length)
        rows = c.truncation === 'pre' ? rows.slice(rows.length - c.length) : rows.slice(0, c.length);
      const offset = c.padding === 'pre' ? c.length - rows.length : 0;
      rows.forEach((row, t) => x.set(row, (n * c.length + offset + t) * width));
    });
    return { x, y: undefined, count: sequences.length, timesteps: c.length, features: width };
  }

  private forecastConfig(): Extract<SequenceWindowConfig, { mode: 'forecast' }> {
    const c = this.state.config;
    if (c.mode !== 'forecast') throw new Error('This operation needs a config in forecast mode.');
    return c;
  }

  private targetIndexes(): number[] {
    const c = this.state.config;
    return c.mode === 'forecast' ? (c.targets ?? c.features).map((t) => c.features.indexOf(t)) : [];
  }

  private scaleRows(rows: readonly SequenceRow[]): number[][] {
    const { features } = this.state.config;
    return rows.map((row, i) =>
      readRow(row, features, i).map((v, f) => (v - (this.state.mean[f] ?? 0)) / (this.state.std[f] ?? 1)),
    );
  }
}

function readRow(row: SequenceRow, features: readonly string[], index: number): number[] {
  return features.map((name) => {
    const value = Object.hasOwn(row, name) ? row[name] : undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new ValidationError(`Row ${index}: '${name}' must be a finite number.`, [
        { path: `${index}.${name}`, message: 'expected a finite number' },
      ]);
    }
    return value;
  });
}
