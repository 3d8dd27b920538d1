import { describe, expect, it } from 'vitest';
import { classificationMetrics } from './classification-metrics.ts';

describe('classificationMetrics', () => {
  // Three classes, two rows each. Argmax predictions: a,b | b,b | c,a
  // Confusion (rows true, cols predicted): a [1,1,0]  b [0,2,0]  c [1,0,1]
  const probabilities = [
    [0.7, 0.2, 0.1],
    [0.3, 0.6, 0.1],
    [0.2, 0.7, 0.1],
    [0.1, 0.8, 0.1],
    [0.1, 0.1, 0.8],
    [0.5, 0.2, 0.3],
  ];
  const metrics = classificationMetrics(['a', 'b', 'c'], [0, 0, 1, 1, 2, 2], probabilities);

  it('counts the confusion matrix with rows as true labels in label order', () => {
    expect(metrics.confusionMatrix).toEqual({
      labels: ['a', 'b', 'c'],
      matrix: [
        [1, 1, 0],
        [0, 2, 0],
        [1, 0, 1],
      ],
    });
    expect(metrics.accuracy).toBeCloseTo(4 / 6, 10);
  });

  it('computes per-class precision, recall and F1 and their macro average', () => {
    // a: P=1/2 R=1/2 F1=1/2; b: P=2/3 R=1 F1=0.8; c: P=1 R=1/2 F1=2/3
    const [a, b, c] = metrics.perClass;
    expect([a?.precision, a?.recall, a?.f1]).toEqual([0.5, 0.5, 0.5]);
    expect(b?.precision).toBeCloseTo(2 / 3, 10);
    expect(b?.recall).toBe(1);
    expect(b?.f1).toBeCloseTo(0.8, 10);
    expect(c?.f1).toBeCloseTo(2 / 3, 10);
    expect(metrics.macro.precision).toBeCloseTo((0.5 + 2 / 3 + 1) / 3, 10);
    expect(metrics.macro.recall).toBeCloseTo(2 / 3, 10);
    expect(metrics.macro.f1).toBeCloseTo((0.5 + 0.8 + 2 / 3) / 3, 10);
  });

  it('computes log loss from the true-class probabilities', () => {
    // -(ln .7 + ln .3 + ln .7 + ln .8 + ln .8 + ln .3) / 6 = 0.594597
    expect(metrics.logLoss).toBeCloseTo(0.594597, 5);
  });

  it('averages one-vs-rest AUC for multiclass', () => {
    // a: positives .7,.3 vs negatives .2,.1,.1,.5 -> 7 of 8 pairs; b and c separate perfectly
    expect(metrics.rocAuc).toBeCloseTo((0.875 + 1 + 1) / 3, 10);
  });

  it('weights by support and counts tied scores as half in binary AUC', () => {
    // P(1) = .1 .4 .35 | .8 .35  -> predictions 0 0 0 | 1 0
    const binary = classificationMetrics(
      [0, 1],
      [0, 0, 0, 1, 1],
      [0.1, 0.4, 0.35, 0.8, 0.35].map((p) => [1 - p, p]),
    );
    // class 0: P=3/4 R=1 F1=6/7 (support 3); class 1: P=1 R=1/2 F1=2/3 (support 2)
    expect(binary.weighted.precision).toBeCloseTo((3 * 0.75 + 2 * 1) / 5, 10);
    expect(binary.weighted.recall).toBeCloseTo(0.8, 10);
    expect(binary.weighted.f1).toBeCloseTo((3 * (6 / 7) + 2 * (2 / 3)) / 5, 10);
    // .8 beats all three negatives; .35 beats .1, ties .35, loses to .4 -> (3 + 1.5) / 6
    expect(binary.rocAuc).toBeCloseTo(0.75, 10);
    expect(binary.perClass.map((m) => m.label)).toEqual([0, 1]);
  });

  it('scores a never-predicted class with precision 0 and leaves AUC undefined without negatives', () => {
    const skewed = classificationMetrics(
      ['x', 'y'],
      [1, 1],
      [
        [0.2, 0.8],
        [0.3, 0.7],
      ],
    );
    expect(skewed.perClass[0]).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(skewed.rocAuc).toBeNull();
  });
});
