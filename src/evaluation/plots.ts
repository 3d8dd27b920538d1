/**
 * Evaluation a person can plot, computed once on the held-out test split and stored with the
 * version (`ModelVersion.evaluation`): ROC and precision-recall curves per class, a
 * calibration curve, the confusion matrix with its labels, per-epoch losses, and for
 * regression a residual histogram with a sample of predicted-vs-actual points. Every curve is
 * bounded, so the stored JSON stays small whatever the test split's size.
 */
import type { Label } from '../preprocessing/preprocessing-state.ts';
import { argmax } from './classification-metrics.ts';
import { rocAuc } from './roc-auc.ts';

/** Most points of one ROC or precision-recall curve. */
export const MAX_CURVE_POINTS = 101;
/** Most predicted-vs-actual points kept for regression. */
export const MAX_RESIDUAL_POINTS = 500;
export const CALIBRATION_BINS = 10;
export const RESIDUAL_BINS = 20;

export interface CurveSet {
  label: string;
  points: [number, number][];
}
export type RocCurve = CurveSet & { auc: number };
export type PrecisionRecallCurve = CurveSet & { averagePrecision: number };
export interface CalibrationCurve {
  label: string;
  bins: { meanPredicted: number; fractionPositive: number; count: number }[];
}
export interface EpochHistory {
  epochs: number[];
  loss: number[];
  valLoss: number[] | null;
  metrics: Record<string, number[]>;
}
export interface Residuals {
  histogram: { edges: number[]; counts: number[] };
  /** [actual, predicted] */
  points: [number, number][];
}
export interface PermutationImportance {
  method: 'permutation';
  metric: string;
  repeats: number;
  /** Sorted by mean, largest first. */
  columns: { column: string; mean: number; std: number }[];
}

/** What GET .../versions/{v}/evaluation answers; fields without data are null. */
export interface VersionEvaluation {
  task: 'classification' | 'regression' | 'forecast';
  labels: string[] | null;
  confusionMatrix: { labels: string[]; counts: number[][] } | null;
  roc: RocCurve[] | null;
  precisionRecall: PrecisionRecallCurve[] | null;
  calibration: CalibrationCurve[] | null;
  history: EpochHistory | null;
  residuals: Residuals | null;
  importance: PermutationImportance | null;
}

/** A version with no stored evaluation (trained before it existed) answers this. */
export function emptyEvaluation(task: string): VersionEvaluation {
  return {
    task: task === 'regression' || task === 'forecast' ? task : 'classification',
    labels: null,
    confusionMatrix: null,
    roc: null,
    precisionRecall: null,
    calibration: null,
    history: null,
    residuals: null,
    importance: null,
  };
}

/** Keeps at most `max` points, always the first and the last, evenly spread between. */
export function thin<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points;
  return Array.from({ length: max }, (_, i) => points[Math.round((i * (points.length - 1)) / (max - 1))] as T);
}

/** Scores sorted descending, with the positives' running counts at each distinct threshold. */
function thresholdCounts(scores: number[], positive: boolean[]): { tp: number; fp: number }[] {
  const order = scores.map((score, index) => index).sort((a, b) => scores[b]! - scores[a]!);
  const counts: { tp: number; fp: number }[] = [];
  let tp = 0;
  let fp = 0;
  order.forEach((index, k) => {
    if (positive[index]) tp++;
    else fp++;
    // One point per distinct score: tied rows cross the threshold together.
    const next = order[k + 1];
    if (next === undefined || scores[next] !== scores[index]) counts.push({ tp, fp });
  });
  return counts;
}

/** ROC points [fpr, tpr] from (0,0) to (1,1), thinned to MAX_CURVE_POINTS; null when one class is absent. */
export function rocCurve(scores: number[], positive: boolean[]): { auc: number; points: [number, number][] } | null {
  const auc = rocAuc(scores, positive);
  if (auc === null) return null;
  const p = positive.filter(Boolean).length;
  const n = positive.length - p;
  const points: [number, number][] = [[0, 0]];
  for (const { tp, fp } of thresholdCounts(scores, positive)) points.push([fp / n, tp / p]);
  return { auc, points: thin(points, MAX_CURVE_POINTS) };
}

/**
 * Precision-recall points [recall, precision], one per distinct threshold, thinned; average
 * precision is scikit-learn's step sum over all thresholds, Σ (R_k − R_{k−1}) P_k. Null without positives.
 */
export function precisionRecallCurve(
  scores: number[],
  positive: boolean[],
): { averagePrecision: number; points: [number, number][] } | null {
  const p = positive.filter(Boolean).length;
  if (p === 0) return null;
  const points: [number, number][] = [];
  let averagePrecision = 0;
  let previousRecall = 0;
  for (const { tp, fp } of thresholdCounts(scores, positive)) {
    const recall = tp / p;
    const precision = tp / (tp + fp);
    averagePrecision += (recall - previousRecall) * precision;
    previousRecall = recall;
    points.push([recall, precision]);
  }
  return { averagePrecision, points: thin(points, MAX_CURVE_POINTS) };
}

/** Reliability: CALIBRATION_BINS equal-width bins of the predicted probability; empty bins left out. */
export function calibrationBins(scores: number[], positive: boolean[]): CalibrationCurve['bins'] {
  const sums = new Array<number>(CALIBRATION_BINS).fill(0);
  const hits = new Array<number>(CALIBRATION_BINS).fill(0);
  const counts = new Array<number>(CALIBRATION_BINS).fill(0);
  scores.forEach((score, i) => {
    const bin = Math.min(CALIBRATION_BINS - 1, Math.max(0, Math.floor(score * CALIBRATION_BINS)));
    sums[bin]! += score;
    counts[bin]! += 1;
    if (positive[i]) hits[bin]! += 1;
  });
  return counts.flatMap((count, bin) =>
    count === 0 ? [] : [{ meanPredicted: sums[bin]! / count, fractionPositive: hits[bin]! / count, count }],
  );
}

/**
 * Curves of a classifier from true class indices and per-row probabilities (label order).
 * Binary models get the curves of both labels; each is one-vs-rest.
 */
export function classificationEvaluation(
  labels: Label[],
  truth: number[],
  probabilities: number[][],
  history: EpochHistory | null,
): VersionEvaluation {
  const names = labels.map(String);
  const counts = names.map(() => new Array<number>(names.length).fill(0));
  truth.forEach((actual, row) => {
    counts[actual]![argmax(probabilities[row]!)]! += 1;
  });
  const roc: RocCurve[] = [];
  const precisionRecall: PrecisionRecallCurve[] = [];
  const calibration: CalibrationCurve[] = [];
  names.forEach((label, c) => {
    const scores = probabilities.map((row) => row[c] ?? 0);
    const positive = truth.map((actual) => actual === c);
    const r = rocCurve(scores, positive);
    if (r) roc.push({ label, ...r });
    const pr = precisionRecallCurve(scores, positive);
    if (pr) precisionRecall.push({ label, ...pr });
    calibration.push({ label, bins: calibrationBins(scores, positive) });
  });
  return {
    ...emptyEvaluation('classification'),
    labels: names,
    confusionMatrix: { labels: names, counts },
    roc,
    precisionRecall,
    calibration,
    history,
  };
}

/** Residual (actual − predicted) histogram in RESIDUAL_BINS bins and an even sample of [actual, predicted]. */
export function residuals(truth: ArrayLike<number>, predicted: ArrayLike<number>): Residuals {
  const errors = Array.from(truth, (actual, i) => actual - predicted[i]!).filter(Number.isFinite);
  const low = errors.length ? Math.min(...errors) : 0;
  const high = errors.length ? Math.max(...errors) : 0;
  const span = high > low ? high - low : 1;
  const edges = Array.from({ length: RESIDUAL_BINS + 1 }, (_, i) => low + (span * i) / RESIDUAL_BINS);
  const counts = new Array<number>(RESIDUAL_BINS).fill(0);
  for (const error of errors)
    counts[Math.min(RESIDUAL_BINS - 1, Math.floor(((error - low) / span) * RESIDUAL_BINS))]! += 1;
  const points = Array.from(truth, (actual, i): [number, number] => [actual, predicted[i]!]);
  return { histogram: { edges, counts }, points: thin(points, MAX_RESIDUAL_POINTS) };
}

export function regressionEvaluation(
  task: 'regression' | 'forecast',
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  history: EpochHistory | null,
): VersionEvaluation {
  return { ...emptyEvaluation(task), residuals: residuals(truth, predicted), history };
}

/**
 * Per-epoch losses as training reported them, and any per-epoch metrics the reports carry
 * (`metrics` by name: a metric present in every epoch becomes one curve); null for models
 * fitted without epochs.
 */
export function epochHistory(
  reports: { epoch: number; loss: number; valLoss?: number; metrics?: Record<string, number> }[],
): EpochHistory | null {
  if (reports.length === 0) return null;
  const withValidation = reports.every((report) => report.valLoss !== undefined);
  const names = Object.keys(reports[0]!.metrics ?? {}).filter((name) =>
    reports.every((report) => typeof report.metrics?.[name] === 'number'),
  );
  return {
    epochs: reports.map((report) => report.epoch),
    loss: reports.map((report) => report.loss),
    valLoss: withValidation ? reports.map((report) => report.valLoss!) : null,
    metrics: Object.fromEntries(names.map((name) => [name, reports.map((report) => report.metrics![name]!)])),
  };
}
