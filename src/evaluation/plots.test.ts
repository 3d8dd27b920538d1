import { describe, expect, it } from 'vitest';
import {
  calibrationBins,
  classificationEvaluation,
  epochHistory,
  MAX_CURVE_POINTS,
  precisionRecallCurve,
  residuals,
  rocCurve,
  thin,
} from './plots.ts';
import { permutationImportance } from './permutation-importance.ts';

describe('plottable curves', () => {
  it('draws a perfect ranking as the ROC corner and a flat precision of 1', () => {
    const scores = [0.9, 0.8, 0.3, 0.1];
    const positive = [true, true, false, false];
    expect(rocCurve(scores, positive)).toEqual({
      auc: 1,
      points: [
        [0, 0],
        [0, 0.5],
        [0, 1],
        [0.5, 1],
        [1, 1],
      ],
    });
    const pr = precisionRecallCurve(scores, positive)!;
    expect(pr.averagePrecision).toBe(1);
    expect(pr.points.slice(0, 2)).toEqual([
      [0.5, 1],
      [1, 1],
    ]);
  });

  it('computes average precision as the step sum (a positive ranked second of two rows: 0.5)', () => {
    expect(precisionRecallCurve([0.9, 0.2], [false, true])!.averagePrecision).toBe(0.5);
    expect(rocCurve([0.9, 0.2], [true, true])).toBeNull();
  });

  it('moves tied scores across the threshold together', () => {
    expect(rocCurve([0.5, 0.5, 0.5, 0.5], [true, false, true, false])!.points).toEqual([
      [0, 0],
      [1, 1],
    ]);
  });

  it('bounds every curve and keeps its ends', () => {
    const n = 5000;
    const scores = Array.from({ length: n }, (_, i) => i / n);
    const positive = scores.map((_, i) => i % 3 === 0);
    const roc = rocCurve(scores, positive)!;
    expect(roc.points).toHaveLength(MAX_CURVE_POINTS);
    expect(roc.points[0]).toEqual([0, 0]);
    expect(roc.points.at(-1)).toEqual([1, 1]);
    expect(thin([1, 2, 3], 10)).toEqual([1, 2, 3]);
  });

  it('bins calibration by predicted probability, leaving empty bins out', () => {
    expect(calibrationBins([0.05, 0.15, 0.95, 0.97], [false, true, true, true])).toEqual([
      { meanPredicted: 0.05, fractionPositive: 0, count: 1 },
      { meanPredicted: 0.15, fractionPositive: 1, count: 1 },
      { meanPredicted: 0.96, fractionPositive: 1, count: 2 },
    ]);
  });

  it('lays out the confusion matrix with rows actual and columns predicted', () => {
    const evaluation = classificationEvaluation(
      ['a', 'b'],
      [0, 0, 1],
      [
        [0.9, 0.1],
        [0.2, 0.8],
        [0.3, 0.7],
      ],
      null,
    );
    expect(evaluation.confusionMatrix).toEqual({
      labels: ['a', 'b'],
      counts: [
        [1, 1],
        [0, 1],
      ],
    });
    expect(evaluation.roc!.map((c) => c.label)).toEqual(['a', 'b']);
    expect(evaluation.residuals).toBeNull();
  });

  it('histograms residuals and samples at most 500 predicted-vs-actual points', () => {
    const truth = Array.from({ length: 2000 }, (_, i) => i);
    const predicted = truth.map((v, i) => v + (i % 2 ? 1 : -1));
    const r = residuals(truth, predicted);
    expect(r.points).toHaveLength(500);
    expect(r.histogram.counts.reduce((a, b) => a + b, 0)).toBe(2000);
    expect(r.histogram.edges[0]).toBe(-1);
    expect(r.histogram.edges.at(-1)).toBe(1);
  });

  it('reads per-epoch losses, valLoss null without validation', () => {
    expect(epochHistory([{ epoch: 1, loss: 2 }])).toEqual({ epochs: [1], loss: [2], valLoss: null, metrics: {} });
    expect(epochHistory([])).toBeNull();
    expect(
      epochHistory([
        { epoch: 1, loss: 2, valLoss: 3, metrics: { accuracy: 0.5, f1: 0.4 } },
        { epoch: 2, loss: 1, valLoss: 2, metrics: { accuracy: 0.7 } },
      ]),
    ).toEqual({ epochs: [1, 2], loss: [2, 1], valLoss: [3, 2], metrics: { accuracy: [0.5, 0.7] } });
  });
});

describe('permutation importance', () => {
  it('finds the only column the score depends on, and nothing in the others', () => {
    // Score: negative squared error of predicting y = column a from the matrix [a, b].
    const rows = 200;
    const x = new Float32Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      x[i * 2] = Math.sin(i);
      x[i * 2 + 1] = Math.cos(i * 7);
    }
    const y = Array.from({ length: rows }, (_, i) => x[i * 2]!);
    const score = (m: Float32Array) => -y.reduce((s, v, i) => s + (v - m[i * 2]!) ** 2, 0) / rows;
    const input = {
      x,
      rows,
      width: 2,
      columns: [
        { column: 'b', offset: 1, width: 1 },
        { column: 'a', offset: 0, width: 1 },
      ],
      score,
      metric: 'mse',
      repeats: 4,
      seed: 3,
    };
    const result = permutationImportance(input);
    expect(result.columns.map((c) => c.column)).toEqual(['a', 'b']);
    expect(result.columns[0]!.mean).toBeGreaterThan(0.5);
    expect(result.columns[0]!.std).toBeGreaterThan(0);
    expect(result.columns[1]).toEqual({ column: 'b', mean: 0, std: 0 });
    // Seeded: the same again.
    expect(permutationImportance(input)).toEqual(result);
  });
});
