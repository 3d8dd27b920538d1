import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../ml/seeded-random.ts';
import { StreamingHistogram } from './streaming-histogram.ts';

/** The count of `values` in bin i of `edges`, counted directly. */
const direct = (values: number[], edges: number[], i: number) =>
  values.filter((v) => v >= edges[i]! && (v < edges[i + 1]! || (i === edges.length - 2 && v === edges[i + 1]))).length;

describe('a histogram built in one streaming pass', () => {
  it('counts every value exactly in bounded bins, whatever order the range is discovered in', () => {
    const random = new SeededRandom(7);
    const values = Array.from({ length: 5000 }, () => (random.next() - 0.3) * 1000);
    values.push(-4000, 12_000.5);
    const histogram = new StreamingHistogram();
    for (const value of values) histogram.add(value);
    const { edges, counts } = histogram.result()!;
    expect(counts.length).toBeLessThanOrEqual(32);
    expect(counts.length).toBeGreaterThan(8);
    expect(edges[0]).toBeLessThanOrEqual(-4000);
    expect(edges.at(-1)).toBeGreaterThan(12_000.5);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(values.length);
    counts.forEach((count, i) => expect(count).toBe(direct(values, edges, i)));
  });

  it('gives integer columns bins at least 1 wide and a constant column one bin', () => {
    const dice = new StreamingHistogram();
    for (const value of [1, 2, 3, 4, 5, 6, 6, 6]) dice.add(value);
    const { edges, counts } = dice.result({ integer: true })!;
    expect(edges).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(counts).toEqual([1, 1, 1, 1, 1, 3]);
    const constant = new StreamingHistogram();
    for (let i = 0; i < 10; i++) constant.add(-2.5);
    expect(constant.result()!.counts).toEqual([10]);
    expect(new StreamingHistogram().result()).toBeNull();
  });

  it('gives up, rather than overflow, on a range wider than a double holds', () => {
    const histogram = new StreamingHistogram();
    histogram.add(-1.7e308);
    histogram.add(1.7e308);
    expect(histogram.result()).toBeNull();
  });
});
