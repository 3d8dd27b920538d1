import { describe, expect, it } from 'vitest';
import { rocAuc } from './roc-auc.ts';

describe('rocAuc', () => {
  it('is the share of positive-negative pairs ranked correctly', () => {
    // positives .35 .8, negatives .1 .4: (.35>.1) (.8>.1) (.8>.4) = 3 of 4 pairs
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBeCloseTo(0.75, 12);
    expect(rocAuc([0.9, 0.8, 0.1], [true, true, false])).toBe(1);
    expect(rocAuc([0.1, 0.8, 0.9], [true, false, false])).toBe(0);
  });

  it('counts ties as half a pair and is undefined with a single class', () => {
    expect(rocAuc([0.5, 0.5], [true, false])).toBe(0.5);
    expect(rocAuc([0.2, 0.3], [true, true])).toBeNull();
  });
});
