import { describe, expect, it } from 'vitest';
import { DistinctSketch } from './distinct-sketch.ts';

describe('DistinctSketch', () => {
  it('estimates 200,000 distinct values within 3%', () => {
    const sketch = new DistinctSketch();
    for (let i = 0; i < 200_000; i++) sketch.add(`customer-${i}`);
    expect(Math.abs(sketch.estimate() / 200_000 - 1)).toBeLessThan(0.03);
  });

  it('is not moved by repeats', () => {
    const sketch = new DistinctSketch();
    for (let round = 0; round < 20; round++) for (let i = 0; i < 5_000; i++) sketch.add(String(i * 31));
    expect(Math.abs(sketch.estimate() / 5_000 - 1)).toBeLessThan(0.03);
  });

  it('counts small sets almost exactly', () => {
    const sketch = new DistinctSketch();
    for (const value of ['a', 'b', 'c', 'a', 'b']) sketch.add(value);
    expect(sketch.estimate()).toBe(3);
  });
});

describe('DistinctSketch.addNumber', () => {
  it('estimates distinct numbers within a few percent and ignores repeats and -0', () => {
    const sketch = new DistinctSketch();
    for (let i = 0; i < 200_000; i++) sketch.addNumber((i % 50_000) / 8);
    sketch.addNumber(-0);
    expect(Math.abs(sketch.estimate() / 50_000 - 1)).toBeLessThan(0.03);
    const small = new DistinctSketch();
    for (const x of [1, 1.0, 2, -0, 0, 2]) small.addNumber(x);
    expect(small.estimate()).toBe(3);
  });
});
