import { describe, expect, it } from 'vitest';
import type { ColumnType } from './column-profile.ts';
import { ColumnProfiler } from './column-profiler.ts';
import { ExactCountBudget } from './value-counter.ts';

function typeOf(values: string[]): ColumnType {
  const profiler = new ColumnProfiler('c');
  for (const value of values) profiler.add(value);
  return profiler.finish(values.length).type;
}

describe('ColumnProfiler type inference', () => {
  it.each<[string, string[], ColumnType]>([
    ['integers', ['1', '-2', '30', '0'], 'integer'],
    ['0/1 flags as integers, not booleans', ['0', '1', '1', '0'], 'integer'],
    ['integers mixed with decimals', ['1', '2.5', '3'], 'number'],
    ['true/false in any case', ['true', 'FALSE', 'True'], 'boolean'],
    ['yes/no as categorical', ['yes', 'no', 'yes'], 'categorical'],
    ['ISO dates and date-times', ['2024-01-01', '2024-01-02T10:00:00Z'], 'datetime'],
    ['dates with one non-date', ['2024-01-01', 'soon'], 'categorical'],
    ['numbers with one word', ['1', '2', 'n/a'], 'categorical'],
    ['zero-padded codes', ['007', '012', '123'], 'categorical'],
  ])('infers %s', (_label, values, type) => {
    expect(typeOf(values)).toBe(type);
  });

  it('calls low-cardinality strings categorical and high-cardinality ones text', () => {
    const colours = Array.from({ length: 1_000 }, (_, i) => ['red', 'green', 'blue'][i % 3]!);
    expect(typeOf(colours)).toBe('categorical');
    const sentences = Array.from({ length: 1_000 }, (_, i) => `review number ${i} says it is fine`);
    expect(typeOf(sentences)).toBe('text');
    // 50 distinct of 500 is above max(20, 5%), but short codes stay categorical.
    const states = Array.from({ length: 500 }, (_, i) => `S${i % 50}`);
    expect(typeOf(states)).toBe('categorical');
    const words = Array.from({ length: 500 }, (_, i) => `word-${i % 50}`);
    expect(typeOf(words)).toBe('text');
  });

  it('calls a column with no value text, with every row missing', () => {
    const profile = new ColumnProfiler('empty').finish(4);
    expect(profile).toMatchObject({ type: 'text', missing: 4, distinct: 0 });
  });
});

describe('ColumnProfiler statistics', () => {
  it('computes min, max, mean, sample std and missing for numbers', () => {
    const profiler = new ColumnProfiler('height');
    for (const value of ['1.62', '1.80', '1.75', '1.70']) profiler.add(value);
    const profile = profiler.finish(5);
    expect(profile).toMatchObject({
      type: 'number',
      missing: 1,
      distinct: 4,
      distinctApproximate: false,
      min: 1.62,
      max: 1.8,
    });
    // mean 6.87 / 4; squared deviations sum to 0.017675, over n - 1 = 3.
    expect(profile.mean).toBeCloseTo(1.7175, 12);
    expect(profile.std).toBeCloseTo(Math.sqrt(0.017675 / 3), 12);
  });

  it('counts 1 and 1.0 as one number, True and true as one boolean', () => {
    const numbers = new ColumnProfiler('n');
    for (const value of ['1', '1.0', '2']) numbers.add(value);
    expect(numbers.finish(3).distinct).toBe(2);
    const flags = new ColumnProfiler('b');
    for (const value of ['True', 'true', 'FALSE']) flags.add(value);
    expect(flags.finish(3)).toMatchObject({
      distinct: 2,
      topValues: [
        { value: 'true', count: 2 },
        { value: 'false', count: 1 },
      ],
    });
  });

  it('keeps the earliest and latest datetimes as written', () => {
    const profiler = new ColumnProfiler('at');
    for (const value of ['2024-05-01T00:30:00+02:00', '2024-04-30T23:00:00Z', '2024-04-30']) profiler.add(value);
    // 00:30+02:00 is 22:30Z on the 30th: earlier than 23:00Z.
    expect(profiler.finish(3)).toMatchObject({ type: 'datetime', min: '2024-04-30', max: '2024-04-30T23:00:00Z' });
  });

  it('switches to an approximate distinct count past the exact limit and keeps the heavy hitters', () => {
    const profiler = new ColumnProfiler('city', new ExactCountBudget(), 1_000);
    for (let i = 0; i < 300_000; i++)
      profiler.add(i % 3 === 0 ? 'Paris' : i % 3 === 1 ? 'Lyon' : `village-${i % 5_000}`);
    const profile = profiler.finish(300_000);
    expect(profile.type).toBe('categorical');
    expect(profile.distinctApproximate).toBe(true);
    expect(Math.abs(profile.distinct / 5_002 - 1)).toBeLessThan(0.03);
    expect(profile.topValuesApproximate).toBe(true);
    expect(
      profile.topValues
        ?.slice(0, 2)
        .map((entry) => entry.value)
        .sort(),
    ).toEqual(['Lyon', 'Paris']);
    // Misra-Gries counts are lower bounds within n / (slots + 1) of the truth.
    for (const entry of profile.topValues!.slice(0, 2)) {
      expect(entry.count).toBeLessThanOrEqual(100_000);
      expect(entry.count).toBeGreaterThan(100_000 - 300_000 / 257);
    }
  });

  it('shares the exact-count budget between columns', () => {
    const budget = new ExactCountBudget(100, 1_000_000);
    const first = new ColumnProfiler('a', budget);
    const second = new ColumnProfiler('b', budget);
    for (let i = 0; i < 80; i++) first.add(`a${i}`);
    for (let i = 0; i < 80; i++) second.add(`b${i}`);
    expect(first.finish(80).distinctApproximate).toBe(false);
    expect(second.finish(80)).toMatchObject({ distinctApproximate: true, distinct: 80 });
  });
});

describe('ColumnProfiler histograms', () => {
  it('bins numeric columns in the same pass, and only them', () => {
    const profiler = new ColumnProfiler('x');
    const values = Array.from({ length: 1_000 }, (_, i) => String((i % 100) / 10));
    for (const value of values) profiler.add(value);
    const { histogram, min, max } = profiler.finish(values.length);
    expect(histogram!.counts.reduce((a, b) => a + b, 0)).toBe(1_000);
    expect(histogram!.counts.length).toBeLessThanOrEqual(32);
    expect(histogram!.edges[0]).toBeLessThanOrEqual(min as number);
    expect(histogram!.edges.at(-1)).toBeGreaterThan(max as number);
    const colours = new ColumnProfiler('colour');
    for (const value of ['red', 'green', 'red']) colours.add(value);
    expect(colours.finish(3).histogram).toBeUndefined();
  });
});
