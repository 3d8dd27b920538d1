import type { Label } from '../preprocessing/preprocessing-state.ts';
import { rocAuc } from './roc-auc.ts';

export interface ClassMetrics {
  label: Label;
  precision: number;
  recall: number;
  f1: number;
  /** Rows whose true class is this one. */
  support: number;
}

export interface AveragedMetrics {
  precision: number;
  recall: number;
  f1: number;
}

export interface ClassificationMetrics {
  task: 'classification';
  /** Rows evaluated. */
  n: number;
  accuracy: number;
  perClass: ClassMetrics[];
  /** Unweighted mean over classes. */
  macro: AveragedMetrics;
  /** Mean over classes weighted by support. */
  weighted: AveragedMetrics;
  /** `matrix[i][j]`: rows of true class `labels[i]` predicted as `labels[j]`. */
  confusionMatrix: { labels: Label[]; matrix: number[][] };
  /** Mean negative log-likelihood of the true class (probabilities clipped at 1e-15). */
  logLoss: number;
  /** Binary: AUC of the second label; multiclass: one-vs-rest macro AUC. Null when undefined. */
  rocAuc: number | null;
}

const LOG_EPSILON = 1e-15;

/**
 * Classification metrics from true class indices and per-row class probabilities (columns
 * in `labels` order). The predicted class is the most probable one, the first on ties.
 * Precision of a class never predicted counts as 0, as scikit-learn does by default.
 */
export function classificationMetrics(
  labels: Label[],
  yTrue: number[],
  probabilities: number[][],
): ClassificationMetrics {
  const k = labels.length;
  const n = yTrue.length;
  if (probabilities.length !== n) throw new Error(`Expected ${n} probability rows, got ${probabilities.length}`);
  const matrix = labels.map(() => new Array<number>(k).fill(0));
  let logLossSum = 0;
  yTrue.forEach((truth, row) => {
    const p = probabilities[row] as number[];
    (matrix[truth] as number[])[argmax(p)]! += 1;
    logLossSum -= Math.log(Math.min(1 - LOG_EPSILON, Math.max(LOG_EPSILON, p[truth] ?? 0)));
  });
  const perClass = labels.map((label, c): ClassMetrics => {
    const truePositives = (matrix[c] as number[])[c] as number;
    const support = (matrix[c] as number[]).reduce((sum, count) => sum + count, 0);
    const predicted = matrix.reduce((sum, counts) => sum + (counts[c] as number), 0);
    const precision = predicted === 0 ? 0 : truePositives / predicted;
    const recall = support === 0 ? 0 : truePositives / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support };
  });
  let correct = 0;
  for (let c = 0; c < k; c++) correct += (matrix[c] as number[])[c] as number;
  const average = (weight: (m: ClassMetrics) => number): AveragedMetrics => {
    const total = perClass.reduce((sum, m) => sum + weight(m), 0) || 1;
    const mean = (pick: (m: ClassMetrics) => number) =>
      perClass.reduce((sum, m) => sum + pick(m) * weight(m), 0) / total;
    return { precision: mean((m) => m.precision), recall: mean((m) => m.recall), f1: mean((m) => m.f1) };
  };
  return {
    task: 'classification',
    n,
    accuracy: n === 0 ? 0 : correct / n,
    perClass,
    macro: average(() => 1),
    weighted: average((m) => m.support),
    confusionMatrix: { labels: [...labels], matrix },
    logLoss: n === 0 ? 0 : logLossSum / n,
    rocAuc: aucOf(k, yTrue, probabilities),
  };
}

function aucOf(k: number, yTrue: number[], probabilities: number[][]): number | null {
  if (k === 2)
    return rocAuc(
      probabilities.map((p) => p[1] ?? 0),
      yTrue.map((truth) => truth === 1),
    );
  // One-vs-rest, averaged over the classes whose AUC is defined on this split.
  const aucs: number[] = [];
  for (let c = 0; c < k; c++) {
    const auc = rocAuc(
      probabilities.map((p) => p[c] ?? 0),
      yTrue.map((truth) => truth === c),
    );
    if (auc !== null) aucs.push(auc);
  }
  return aucs.length === 0 ? null : aucs.reduce((sum, auc) => sum + auc, 0) / aucs.length;
}

/** Index of the largest value; the first one on ties. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}
