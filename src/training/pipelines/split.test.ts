import { describe, expect, it } from 'vitest';
import { requireSplit, splitRows, splitSpecSchema, splitWindows } from './split.ts';

describe('splitRows', () => {
  const strata = Array.from({ length: 100 }, (_, i) => (i < 60 ? 0 : i < 90 ? 1 : 2));

  it('partitions every row exactly once, reproducibly from the seed', () => {
    const a = splitRows(100, { test: 0.2, validation: 0.1 }, 3, strata);
    const all = [...a.train, ...a.validation, ...a.test].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(splitRows(100, { test: 0.2, validation: 0.1 }, 3, strata)).toEqual(a);
    expect(splitRows(100, { test: 0.2, validation: 0.1 }, 4, strata).test).not.toEqual(a.test);
  });

  it('keeps class proportions in the test split when stratified', () => {
    const { test, validation } = splitRows(100, { test: 0.2, validation: 0.1 }, 3, strata);
    // 60/30/10 rows per class -> 12/6/2 in test and 6/3/1 in validation
    const count = (indices: number[], cls: number) => indices.filter((i) => strata[i] === cls).length;
    expect([0, 1, 2].map((cls) => count(test, cls))).toEqual([12, 6, 2]);
    expect([0, 1, 2].map((cls) => count(validation, cls))).toEqual([6, 3, 1]);
  });

  it('refuses a split that leaves too few rows', () => {
    expect(() => splitRows(3, { test: 0.2, validation: 0.1 }, 1)).toThrow(
      expect.objectContaining({ code: 'too_few_rows', status: 422 }),
    );
  });

  it('refuses ahead, from a row count alone, the splits it would refuse', () => {
    const tiny = { test: 0.01, validation: 0.1 };
    expect(() => splitRows(30, tiny, 1)).toThrow(expect.objectContaining({ code: 'too_few_rows' }));
    expect(() => requireSplit(30, tiny, false)).toThrow(
      expect.objectContaining({ code: 'too_few_rows', issues: [expect.objectContaining({ path: 'split' })] }),
    );
    expect(() => requireSplit(8, { test: 0.2, validation: 0.1 }, false)).not.toThrow();
    // Stratified, the class sizes are unknown: only a test part empty for every class is certain.
    expect(() => splitRows(150, { test: 0.003, validation: 0.1 }, 1, strata.concat(strata.slice(0, 50)))).toThrow(
      expect.objectContaining({ code: 'too_few_rows' }),
    );
    expect(() => requireSplit(150, { test: 0.003, validation: 0.1 }, true)).toThrow(
      expect.objectContaining({ code: 'too_few_rows' }),
    );
    expect(() => requireSplit(150, { test: 0.2, validation: 0.1 }, true)).not.toThrow();
  });

  it('validates fractions', () => {
    expect(splitSpecSchema.parse({})).toEqual({ test: 0.2, validation: 0.1, stratify: true });
    expect(splitSpecSchema.safeParse({ test: 0.5, validation: 0.3 }).success).toBe(false);
    expect(splitSpecSchema.safeParse({ test: 0 }).success).toBe(false);
  });
});

describe('splitWindows', () => {
  // Forecasting 11 rows ahead leaves 10 windows out between parts.
  const windowing = { lookback: 1, horizon: 11, stride: 1, forecast: true };
  const split = { test: 0.05, validation: 0.15 };

  it('splits windows in time order, gaps between parts, and refuses too few to train', () => {
    expect(splitWindows(40, windowing, split)).toEqual({ windows: 29, train: 4, validation: 4, test: 1, gap: 10 });
    // One row more rounds the validation part up: 3 training windows.
    expect(() => splitWindows(41, windowing, split)).toThrow(
      expect.objectContaining({
        code: 'too_few_rows',
        issues: [expect.objectContaining({ path: 'model.sequence.lookback' })],
      }),
    );
  });

  it('given only an upper bound on the rows, refuses only when no count up to it would do', () => {
    expect(() => splitWindows(41, windowing, split, { atMost: true })).not.toThrow();
    expect(() => splitWindows(39, windowing, split, { atMost: true })).toThrow(
      expect.objectContaining({ code: 'too_few_rows' }),
    );
  });
});
