import type { CellValue, DatasetRow } from '../datasets/column-profile.ts';
import type { InputSchema, OutputSchema } from '../preprocessing/preprocessing-state.ts';
import { binOf, proportions, quantileEdges, quantileSample } from './drift-statistics.ts';

const NUMERIC_BINS = 10;
const KS_SAMPLE = 1_000;
/** Categories kept per feature; rarer ones share one bucket with values never seen in training. */
const MAX_CATEGORIES = 50;

/** A number's training distribution: decile bins, a quantile sample for KS, its missing rate. */
export interface NumericReference {
  kind: 'numeric';
  edges: number[];
  shares: number[];
  sample: number[];
  missingRate: number;
}

/** A category's training distribution: each category's share, the rest's, the missing rate. */
export interface CategoricalReference {
  kind: 'categorical';
  categories: string[];
  /** One share per category, then the share of every other value. */
  shares: number[];
  missingRate: number;
}

export type FeatureReference = NumericReference | CategoricalReference;

/**
 * What drift monitoring compares recent traffic with: each feature's distribution in the
 * version's training data and the target's (the answers the model learned to give).
 */
export interface TrainingReference {
  rows: number;
  features: Record<string, FeatureReference>;
  prediction: FeatureReference;
}

/** A cell as a number, or null when missing or not a finite number. */
export function numericValue(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : typeof value === 'boolean' ? Number(value) : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** A cell as a category, or null when missing. */
export function categoryValue(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function numericReference(values: unknown[]): NumericReference {
  const present = values.map(numericValue).filter((v): v is number => v !== null);
  const sorted = Float64Array.from(present).sort();
  const list = Array.from(sorted);
  const edges = quantileEdges(list, NUMERIC_BINS);
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of list) counts[binOf(edges, v)]!++;
  return {
    kind: 'numeric',
    edges,
    shares: proportions(counts),
    sample: quantileSample(list, KS_SAMPLE),
    missingRate: values.length ? 1 - present.length / values.length : 0,
  };
}

export function categoricalReference(values: unknown[], known?: string[]): CategoricalReference {
  const counts = new Map<string, number>();
  let missing = 0;
  for (const value of values) {
    const category = categoryValue(value);
    if (category === null) missing++;
    else counts.set(category, (counts.get(category) ?? 0) + 1);
  }
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const categories = (known ?? ranked.map(([c]) => c)).slice(0, MAX_CATEGORIES);
  const kept = categories.map((c) => counts.get(c) ?? 0);
  const present = values.length - missing;
  const rest = present - kept.reduce((a, b) => a + b, 0);
  return {
    kind: 'categorical',
    categories,
    shares: proportions([...kept, rest]),
    missingRate: values.length ? missing / values.length : 0,
  };
}

/** The reference of a version's tabular features and target, from its training dataset's rows. */
export function buildTrainingReference(
  rows: DatasetRow[],
  inputSchema: InputSchema,
  outputSchema: OutputSchema,
): TrainingReference {
  const column = (name: string): CellValue[] => rows.map((row) => row[name] ?? null);
  const features: Record<string, FeatureReference> = {};
  for (const feature of inputSchema.features) {
    features[feature.name] =
      feature.type === 'number' || feature.type === 'integer'
        ? numericReference(column(feature.name))
        : categoricalReference(column(feature.name), feature.categories);
  }
  const target = column(outputSchema.target);
  const prediction =
    outputSchema.task === 'classification'
      ? categoricalReference(
          target,
          outputSchema.labels.map((label) => String(label)),
        )
      : numericReference(target);
  return { rows: rows.length, features, prediction };
}
