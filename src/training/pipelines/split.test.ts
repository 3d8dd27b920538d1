import { describe, expect, it } from 'vitest';
import { splitRows, splitSpecSchema } from './split.ts';

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
    expect(() => splitRows(3, { test: 0.2, validation: 0.1 }, 1)).toThrow(expect.objectContaining({ code: 'too_few_rows', status: 422 }));
  });

  it('validates fractions', () => {
    expect(splitSpecSchema.parse({})).toEqual({ test: 0.2, validation: 0.1, stratify: true });
    expect(splitSpecSchema.safeParse({ test: 0.5, validation: 0.3 }).success).toBe(false);
    expect(splitSpecSchema.safeParse({ test: 0 }).success).toBe(false);
  });
});
