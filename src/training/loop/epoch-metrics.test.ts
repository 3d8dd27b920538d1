import { describe, expect, it } from 'vitest';
import { epochMetric, gatherRows, sampleIndices } from './epoch-metrics.ts';

describe('per-epoch metrics', () => {
  it('counts arg-max agreements for softmax outputs and the 0.5 threshold for one sigmoid', () => {
    const softmax = new Float32Array([0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0.5, 0.4, 0.1]);
    const oneHot = new Float32Array([1, 0, 0, 0, 1, 0, 1, 0, 0]);
    expect(epochMetric({ kind: 'accuracy' }, softmax, oneHot, 3)).toBeCloseTo(2 / 3);
    const sigmoid = new Float32Array([0.9, 0.2, 0.6, 0.4]);
    expect(epochMetric({ kind: 'accuracy' }, sigmoid, new Float32Array([1, 0, 0, 0]), 1)).toBe(0.75);
  });

  it("measures the mean absolute error in the target's units", () => {
    const scaled = { kind: 'mae' as const, toTargetUnits: (v: Float32Array) => Array.from(v, (x) => x * 10 + 5) };
    expect(epochMetric(scaled, new Float32Array([0, 1]), new Float32Array([0.5, 0.5]), 1)).toBeCloseTo(5);
    expect(epochMetric({ kind: 'mae' }, new Float32Array([1, 2, 3, 4]), new Float32Array([1, 1, 1, 1]), 2)).toBe(1.5);
  });

  it('samples evenly and gathers whole rows', () => {
    expect(sampleIndices(5, 10)).toEqual([0, 1, 2, 3, 4]);
    expect(sampleIndices(10, 4)).toEqual([0, 2, 5, 7]);
    expect(Array.from(gatherRows(new Float32Array([0, 1, 2, 3, 4, 5]), 2, [2, 0]))).toEqual([4, 5, 0, 1]);
  });
});
