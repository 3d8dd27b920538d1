import { describe, expect, it } from 'vitest';
import { ridgeRegression } from './least-squares.ts';

describe('ridgeRegression', () => {
  it('recovers an exact linear map with its intercept, for several outputs', () => {
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 20; i++) {
      const a = Math.sin(i);
      const b = Math.cos(3 * i);
      x.push(a, b);
      y.push(3 * a - 2 * b + 5, -a + 1);
    }
    const fit = ridgeRegression(x, y, 20, 2, 2);
    expect(fit.weights[0]![0]).toBeCloseTo(3, 6);
    expect(fit.weights[1]![0]).toBeCloseTo(-2, 6);
    expect(fit.bias[0]).toBeCloseTo(5, 6);
    expect(fit.weights[0]![1]).toBeCloseTo(-1, 6);
    expect(fit.bias[1]).toBeCloseTo(1, 6);
  });

  it('solves a singular system (a duplicated input) with the smallest penalty that makes it solvable', () => {
    const x = [1, 1, 2, 2, 3, 3, 4, 4];
    const fit = ridgeRegression(x, [2, 4, 6, 8], 4, 2, 1);
    expect(fit.weights[0]![0]! + fit.weights[1]![0]!).toBeCloseTo(2, 4);
  });
});
