import { expect } from 'vitest';

/**
 * Asserts two float arrays equal within `tolerance`, relative for large values and absolute near
 * zero (|actual - expected| / (1 + |expected|)): how kernels are compared across backends and
 * with TensorFlow.js's own ops, whose float32 sums round in other orders.
 */
export function expectClose(actual: Float32Array, expected: Float32Array, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  expected.forEach((e, i) => {
    worst = Math.max(worst, Math.abs((actual[i] ?? NaN) - e) / (1 + Math.abs(e)));
  });
  expect(worst).toBeLessThan(tolerance);
}
