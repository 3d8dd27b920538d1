import { describe, expect, it } from 'vitest';
import { sampledShapley } from './sampled-shapley.ts';

/** f(x) = 2 x0 + 3 (x1 + x2) + x0 x3: players {0}, {1, 2} (a one-hot-like group), {3}. */
const f = (x: Float32Array, rows: number) =>
  Array.from({ length: rows }, (_, r) => {
    const v = x.subarray(r * 4, r * 4 + 4);
    return 2 * v[0]! + 3 * (v[1]! + v[2]!) + v[0]! * v[3]!;
  });
const players = [
  { offset: 0, width: 1 },
  { offset: 1, width: 2 },
  { offset: 3, width: 1 },
];
const instance = Float32Array.from([1, 1, 0, 2]);
const background = Float32Array.from([0, 0, 1, 0, 0.5, 0, 0, 1]);

describe('sampled Shapley values', () => {
  it('add up to the output exactly: baseline + Σ attributions = f(instance)', async () => {
    const result = await sampledShapley({
      instance,
      background,
      backgroundRows: 2,
      players,
      evaluate: f,
      samples: 8,
      seed: 1,
    });
    const total = result.baseline + result.attributions.reduce((a, b) => a + b, 0);
    expect(result.value).toBe(f(instance, 1)[0]);
    expect(total).toBeCloseTo(result.value, 10);
    // A multiple of the background's size uses each row equally: the baseline is the mean output.
    expect(result.baseline).toBeCloseTo((f(background, 2)[0]! + f(background, 2)[1]!) / 2, 10);
  });

  it('give an additive model its exact terms, and a group with no effect nothing', async () => {
    // Against one background row, additive terms are exact whatever the permutations.
    const result = await sampledShapley({
      instance,
      background: Float32Array.from([0, 1, 0, 0]),
      backgroundRows: 1,
      players,
      evaluate: f,
      samples: 4,
      seed: 9,
    });
    // The interaction x0 x3 = 2 is shared: in exactly half the orders (antithetic pairs) x0 joins last.
    expect(result.attributions[0]).toBeCloseTo(2 + 1, 10);
    expect(result.attributions[1]).toBeCloseTo(0, 10);
    expect(result.attributions[2]).toBeCloseTo(1, 10);
  });

  it('are the same for the same seed', async () => {
    const run = (seed: number) =>
      sampledShapley({ instance, background, backgroundRows: 2, players, evaluate: f, samples: 6, seed });
    expect(await run(5)).toEqual(await run(5));
  });
});
