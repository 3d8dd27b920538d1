/**
 * Preprocessing fitted in one pass over rows that arrive a chunk at a time, for tables too
 * large to hold: the same state (preprocessing-state.ts) fitPreprocessing produces, so a
 * version trained either way serves predictions the same way. Memory is bounded per column,
 * not per row: running moments (Welford) for means and deviations, a quantile sketch for the
 * median that imputes missing numbers, counters for categories and booleans.
 */
import type { ColumnProfile, DatasetRow } from '../datasets/column-profile.ts';
import { QuantileSketch } from '../datasets/quantile-sketch.ts';
import { RunningMoments } from '../datasets/running-moments.ts';
import { ExactCountBudget, ValueCounter } from '../datasets/value-counter.ts';
import type { Task } from '../models/task.ts';
import { asBoolean, asCategory, asNumber, compareStrings, matrixWidth, unscalableColumn } from './feature-encoding.ts';
import type { FeatureEncoder, Label, PreprocessingState } from './preprocessing-state.ts';
import { fitTargetEncoding, regressionEncoding } from './target-encoding.ts';

/** Categories kept for a column whose values outgrew exact counting: its most frequent ones. */
const APPROXIMATE_CATEGORIES = 256;

type Accumulator =
  | { kind: 'numeric'; column: ColumnProfile; moments: RunningMoments; sketch: QuantileSketch; missing: number }
  | { kind: 'boolean'; column: ColumnProfile; trues: number; present: number }
  | { kind: 'categorical'; column: ColumnProfile; counter: ValueCounter };

export interface StreamingFitOptions {
  features: ColumnProfile[];
  target: ColumnProfile;
  task: Task;
  standardizeTarget: boolean;
}

/** Accumulates the training rows' statistics (addTraining) and the label set (addLabel); `state()` fits. */
export class StreamingPreprocessingFit {
  private readonly accumulators: Accumulator[];
  private readonly labels = new Set<Label>();
  private readonly targetMoments = new RunningMoments();
  private readonly budget = new ExactCountBudget();

  constructor(private readonly options: StreamingFitOptions) {
    this.accumulators = options.features.map((column): Accumulator => {
      if (column.type === 'number' || column.type === 'integer')
        return { kind: 'numeric', column, moments: new RunningMoments(), sketch: new QuantileSketch(), missing: 0 };
      if (column.type === 'boolean') return { kind: 'boolean', column, trues: 0, present: 0 };
      return { kind: 'categorical', column, counter: new ValueCounter(this.budget) };
    });
  }

  /** A present target value from any split: the label set covers classes rare in training. */
  addLabel(value: string | number | boolean): void {
    if (this.options.task === 'classification') this.labels.add(value);
  }

  /** One training row (its target present). */
  addTraining(row: DatasetRow): void {
    for (const accumulator of this.accumulators) {
      const cell = row[accumulator.column.name] ?? null;
      if (accumulator.kind === 'numeric') {
        const value = asNumber(cell);
        if (value === null) accumulator.missing++;
        else {
          accumulator.moments.add(value);
          accumulator.sketch.add(value);
        }
      } else if (accumulator.kind === 'boolean') {
        const value = asBoolean(cell);
        if (value !== null) {
          accumulator.present++;
          if (value) accumulator.trues++;
        }
      } else {
        const value = asCategory(cell);
        if (value !== null) accumulator.counter.add(value);
      }
    }
    if (this.options.task === 'regression') this.targetMoments.add(Number(row[this.options.target.name]));
  }

  /** The fitted state; throws as fitPreprocessing does (one class, an unscalable column). */
  state(): PreprocessingState {
    const features = this.accumulators.map(fitted);
    const { target, task, standardizeTarget } = this.options;
    return {
      version: 1,
      features,
      width: matrixWidth(features),
      target:
        task === 'classification'
          ? fitTargetEncoding(target, task, [...this.labels], [], standardizeTarget)
          : regressionEncoding(
              target.name,
              { mean: this.targetMoments.mean, std: this.targetMoments.std(false) },
              standardizeTarget,
            ),
    };
  }
}

function fitted(accumulator: Accumulator): FeatureEncoder {
  const { column } = accumulator;
  if (accumulator.kind === 'numeric') {
    const { moments, sketch, missing } = accumulator;
    const median = sketch.median();
    // The imputed column is the present values plus `missing` copies of the median: its moments
    // follow from the present values' by the parallel form of Welford's update.
    const present = moments.count;
    const count = present + missing;
    const mean = count === 0 ? 0 : (present * moments.mean + missing * median) / count;
    const presentM2 = present * moments.std(false) ** 2;
    const shift = moments.mean - median;
    const m2 = presentM2 + (count === 0 ? 0 : ((present * missing) / count) * shift * shift);
    const std = count === 0 ? 0 : Math.sqrt(m2 / count);
    if (!Number.isFinite(std) || !Number.isFinite(mean)) throw unscalableColumn(column.name);
    const type = column.type === 'integer' ? 'integer' : 'number';
    return { kind: 'numeric', name: column.name, type, median, mean, std: std > 1e-12 ? std : 1 };
  }
  if (accumulator.kind === 'boolean') {
    return {
      kind: 'boolean',
      name: column.name,
      mostFrequent: accumulator.trues > accumulator.present - accumulator.trues,
    };
  }
  const counter = accumulator.counter;
  const counts = new Map<string, number>(
    counter.exactCounts() ?? counter.top(APPROXIMATE_CATEGORIES).map(({ value, count }) => [value, count]),
  );
  const categories = [...counts.keys()].sort(compareStrings);
  let mostFrequent = categories[0] ?? '';
  for (const category of categories)
    if ((counts.get(category) ?? 0) > (counts.get(mostFrequent) ?? 0)) mostFrequent = category;
  return { kind: 'categorical', name: column.name, categories, mostFrequent };
}
