import { binOf, jensenShannon, kolmogorovSmirnov, populationStabilityIndex, proportions } from './drift-statistics.ts';
import { categoryValue, numericValue, type FeatureReference, type TrainingReference } from './training-reference.ts';

/** Limits per statistic; null (or absent) reports the statistic without alerting on it. */
export interface DriftThresholds {
  psi?: number | null;
  js?: number | null;
  ks?: number | null;
  /** Rise of the missing rate over training's. */
  missingRate?: number | null;
  /** Share of values never seen in training (categories). */
  unseenRate?: number | null;
}

export interface MonitorThresholds {
  /** For every feature without its own entry. */
  features: DriftThresholds;
  /** Per feature name, overriding `features` statistic by statistic. */
  perFeature: Record<string, DriftThresholds>;
  /** For the distribution of answers against the training target's. */
  prediction: DriftThresholds;
}

export const DEFAULT_THRESHOLDS: MonitorThresholds = {
  features: { psi: 0.2, js: null, ks: null, missingRate: 0.1, unseenRate: 0.05 },
  perFeature: {},
  prediction: { psi: 0.2, js: null, ks: null, missingRate: null, unseenRate: null },
};

export type DriftStatistic = 'psi' | 'js' | 'ks' | 'missing_rate' | 'unseen_rate';

export interface FeatureDrift {
  feature: string;
  kind: 'numeric' | 'categorical';
  psi: number;
  js: number;
  ks: number | null;
  missingRate: number;
  trainingMissingRate: number;
  unseenRate: number | null;
  /** The statistics past their threshold. */
  crossed: { statistic: DriftStatistic; value: number; threshold: number }[];
}

/** One feature's (or the answers') drift over a window's values. */
export function featureDrift(
  feature: string,
  reference: FeatureReference,
  values: unknown[],
  thresholds: DriftThresholds,
): FeatureDrift {
  let shares: number[];
  let ks: number | null = null;
  let unseenRate: number | null = null;
  let missing = 0;
  if (reference.kind === 'numeric') {
    const present: number[] = [];
    const counts = new Array<number>(reference.edges.length + 1).fill(0);
    for (const value of values) {
      const n = numericValue(value);
      if (n === null) missing++;
      else {
        present.push(n);
        counts[binOf(reference.edges, n)]!++;
      }
    }
    shares = proportions(counts);
    ks = kolmogorovSmirnov(reference.sample, Array.from(Float64Array.from(present).sort()));
  } else {
    const index = new Map(reference.categories.map((c, i) => [c, i]));
    const counts = new Array<number>(reference.categories.length + 1).fill(0);
    let present = 0;
    for (const value of values) {
      const category = categoryValue(value);
      if (category === null) missing++;
      else {
        present++;
        counts[index.get(category) ?? reference.categories.length]!++;
      }
    }
    shares = proportions(counts);
    unseenRate = present ? counts[reference.categories.length]! / present : 0;
  }
  const missingRate = values.length ? missing / values.length : 0;
  const stats: Record<DriftStatistic, number | null> = {
    psi: populationStabilityIndex(reference.shares, shares),
    js: jensenShannon(reference.shares, shares),
    ks,
    missing_rate: missingRate - reference.missingRate,
    unseen_rate: unseenRate,
  };
  const limits: Record<DriftStatistic, number | null | undefined> = {
    psi: thresholds.psi,
    js: thresholds.js,
    ks: thresholds.ks,
    missing_rate: thresholds.missingRate,
    unseen_rate: thresholds.unseenRate,
  };
  const crossed: FeatureDrift['crossed'] = [];
  for (const statistic of Object.keys(stats) as DriftStatistic[]) {
    const value = stats[statistic];
    const threshold = limits[statistic];
    if (value !== null && threshold !== null && threshold !== undefined && value > threshold)
      crossed.push({ statistic, value, threshold });
  }
  return {
    feature,
    kind: reference.kind,
    psi: stats.psi!,
    js: stats.js!,
    ks,
    missingRate,
    trainingMissingRate: reference.missingRate,
    unseenRate,
    crossed,
  };
}

/** A window of instances (by feature name) and answers, against the training reference. */
export function driftReport(
  reference: TrainingReference,
  thresholds: MonitorThresholds,
  instances: Record<string, unknown>[],
  answers: unknown[],
): { features: FeatureDrift[]; prediction: FeatureDrift } {
  const features = Object.entries(reference.features).map(([name, ref]) =>
    featureDrift(
      name,
      ref,
      instances.map((instance) => instance[name] ?? null),
      { ...thresholds.features, ...thresholds.perFeature[name] },
    ),
  );
  return { features, prediction: featureDrift('prediction', reference.prediction, answers, thresholds.prediction) };
}
