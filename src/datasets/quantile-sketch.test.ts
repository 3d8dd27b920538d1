import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../ml/seeded-random.ts';
import { QuantileSketch } from './quantile-sketch.ts';

describe('QuantileSketch', () => {
  it('gives the exact median while it holds every value', () => {
    const sketch = new QuantileSketch(16);
    for (const value of [5, 1, 9, 3]) sketch.add(value);
    expect(sketch.isExact).toBe(true);
    expect(sketch.median()).toBe(4);
    sketch.add(7);
    expect(sketch.median()).toBe(5);
  });

  it('keeps quantiles of a million values within 1% of rank in a few thousand numbers', () => {
    const sketch = new QuantileSketch(1024);
    const random = new SeededRandom(7);
    const n = 1_000_000;
    // A permutation of 0..n-1, so the true q-quantile is q * n.
    const values = random.shuffle(Array.from({ length: n }, (_, i) => i));
    for (const value of values) sketch.add(value);
    expect(sketch.isExact).toBe(false);
    expect(sketch.retained).toBeLessThan(1024 * 12);
    for (const q of [0.01, 0.25, 0.5, 0.75, 0.99]) expect(Math.abs(sketch.quantile(q) - q * n)).toBeLessThan(0.01 * n);
    expect(Math.abs(sketch.median() - n / 2)).toBeLessThan(0.01 * n);
  });
});
