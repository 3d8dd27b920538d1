import { describe, expect, it } from 'vitest';
import {
  binOf,
  jensenShannon,
  kolmogorovSmirnov,
  populationStabilityIndex,
  quantileEdges,
} from './drift-statistics.ts';

describe('drift statistics', () => {
  it('PSI is 0 for equal shares and matches the textbook sum otherwise', () => {
    expect(populationStabilityIndex([0.5, 0.5], [0.5, 0.5])).toBe(0);
    const expected = 0.3 * Math.log(0.8 / 0.5) + -0.3 * Math.log(0.2 / 0.5);
    expect(populationStabilityIndex([0.5, 0.5], [0.8, 0.2])).toBeCloseTo(expected, 12);
  });

  it('Jensen-Shannon is 0 for equal distributions and 1 bit for disjoint ones', () => {
    expect(jensenShannon([0.2, 0.8], [0.2, 0.8])).toBe(0);
    expect(jensenShannon([1, 0], [0, 1])).toBeCloseTo(1, 12);
  });

  it('KS is the largest CDF gap', () => {
    expect(kolmogorovSmirnov([1, 2, 3, 4], [1, 2, 3, 4])).toBe(0);
    expect(kolmogorovSmirnov([1, 2, 3, 4], [5, 6, 7, 8])).toBe(1);
    expect(kolmogorovSmirnov([1, 2, 3, 4], [3, 4, 5, 6])).toBe(0.5);
  });

  it('quantile edges cut values into equally filled bins', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i);
    const edges = quantileEdges(sorted, 4);
    expect(edges).toEqual([25, 50, 75]);
    const counts = [0, 0, 0, 0];
    for (const v of sorted) counts[binOf(edges, v)]!++;
    expect(counts).toEqual([25, 25, 25, 25]);
  });
});
