import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ColumnProfiler } from './column-profiler.ts';
import { midpoint, momentsOf, RunningMoments } from './running-moments.ts';

function streamed(values: number[]) {
  const moments = new RunningMoments();
  for (const value of values) moments.add(value);
  return { mean: moments.mean, std: moments.std() };
}

describe('RunningMoments', () => {
  it('keeps the moments of values whose squares overflow finite and right', () => {
    // The sample std of {a, 0} is |a| / sqrt(2); of {a, a, a} it is 0.
    expect(streamed([1e200, 0])).toEqual({ mean: 5e199, std: expect.closeTo(1e200 / Math.SQRT2, -186) });
    const big = streamed([1e300, 1e300, 1e300]);
    expect(big.mean).toBeCloseTo(1e300, -286);
    expect(big.std).toBe(0);
    const extreme = streamed([-1e308, 1e308, 0]);
    expect(extreme.mean).toBe(0);
    // Sample variance of {-a, a, 0} is a^2: std a.
    expect(extreme.std / 1e308).toBeCloseTo(1, 12);
  });

  it('gives Infinity only when the true deviation itself passes the largest double', () => {
    expect(streamed([-1.7e308, 1.7e308]).std).toBe(Infinity);
    expect(streamed([-1.7e308, 1.7e308]).mean).toBe(0);
  });

  it('scales with its input: moments of x * 2^600 are 2^600 times the moments of x', () => {
    const scale = 2 ** 600;
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 50 }), (xs) => {
        const plain = streamed(xs);
        const scaled = streamed(xs.map((x) => x * scale));
        expect(Math.abs(scaled.mean / scale - plain.mean)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(plain.mean)));
        expect(Math.abs(scaled.std / scale - plain.std)).toBeLessThanOrEqual(1e-9 * (1 + plain.std));
      }),
    );
  });

  it('momentsOf takes the plain sums for ordinary values and the scaled stream past them', () => {
    const xs = [0.1, 0.2, 0.3, 10, -4];
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(momentsOf(xs)).toEqual({ mean, std });
    const huge = momentsOf([1e300, -1e300]);
    expect(huge.mean).toBe(0);
    expect(huge.std / 1e300).toBeCloseTo(1, 12);
    expect(midpoint(1.5e308, 1.7e308)).toBe(1.6e308);
  });
});

describe('ColumnProfiler with huge values', () => {
  it.each([['1e200'], ['1e300'], ['-1e308']])('profiles a column holding %s with finite statistics', (huge) => {
    const profiler = new ColumnProfiler('x');
    for (const value of ['1', '2', huge, '3']) profiler.add(value);
    const profile = profiler.finish(4);
    expect(profile.type).toBe('number');
    for (const statistic of [profile.min, profile.max, profile.mean, profile.std])
      expect(Number.isFinite(statistic)).toBe(true);
  });

  it('stores a spread past the largest double as null, never as Infinity', () => {
    const profiler = new ColumnProfiler('x');
    for (const value of ['-1.7e308', '1.7e308']) profiler.add(value);
    const profile = profiler.finish(2);
    expect(profile.std).toBeNull();
    expect(profile.mean).toBe(0);
    expect(JSON.parse(JSON.stringify(profile))).toEqual(profile);
  });
});
