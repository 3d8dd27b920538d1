import { describe, expect, it } from 'vitest';
import { ProductArena } from './product-arena.ts';
import type { AdamStepConstants } from './simd-adam.ts';

const f = Math.fround;

/** tf.train.adam's step as TensorFlow.js computes it: every operation rounded to float32. */
function reference(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, c: AdamStepConstants): void {
  const [b1, b2, c1, c2, oma1, oma2, eps, negRate] = c;
  for (let k = 0; k < w.length; k++) {
    const gk = g[k]!;
    const mk = f(f(m[k]! * b1) + f(gk * c1));
    const vk = f(f(v[k]! * b2) + f(f(gk * gk) * c2));
    m[k] = mk;
    v[k] = vk;
    const corrected = f(f(mk / oma1) / f(f(Math.sqrt(f(vk / oma2))) + eps));
    w[k] = f(f(corrected * negRate) + w[k]!);
  }
}

function constants(step: number, rate = 0.001, beta1 = 0.9, beta2 = 0.999): AdamStepConstants {
  return [
    f(beta1),
    f(beta2),
    f(1 - f(beta1)),
    f(1 - f(beta2)),
    f(1 - f(beta1 ** step)),
    f(1 - f(beta2 ** step)),
    f(1e-7),
    f(-rate),
  ];
}

/** Weight, gradient and moments of `n` values, seeded; in the arena when one is given. */
function state(n: number, seed: number, arena?: ProductArena) {
  const make = () => (arena ? arena.take(n) : new Float32Array(n));
  const [w, g, m, v] = [make(), make(), make(), make()];
  for (let k = 0; k < n; k++) {
    w[k] = Math.sin(seed + k);
    g[k] = Math.cos(seed * 3 + k * 7) * (k % 5 === 0 ? 1e-30 : 0.1); // subnormal squares too
    m[k] = Math.sin(k * 11 + seed) * 0.01;
    v[k] = Math.abs(Math.cos(k * 13 + seed)) * 0.001;
  }
  return [w, g, m, v] as const;
}

describe('the SIMD Adam step', () => {
  for (const n of [0, 1, 3, 4, 7, 64, 4810])
    it(`is tf.train.adam's float32 arithmetic to the bit over ${n} weights`, () => {
      const arena = ProductArena.of([n, n, n, n]);
      const [w, g, m, v] = state(n, n, arena);
      const expected = [w, g, m, v].map((a) => Float32Array.from(a));
      for (let step = 1; step <= 3; step++) {
        expect(arena.adam(w, g, m, v, constants(step))).toBe(true);
        reference(expected[0]!, expected[1]!, expected[2]!, expected[3]!, constants(step));
      }
      expect(Array.from(w)).toEqual(Array.from(expected[0]!));
      expect(Array.from(m)).toEqual(Array.from(expected[2]!));
      expect(Array.from(v)).toEqual(Array.from(expected[3]!));
    });

  it('leaves arrays outside the arena to the caller, untouched', () => {
    const arena = ProductArena.of([8, 8, 8]);
    const [w, g, m] = [arena.take(8), arena.take(8), arena.take(8)];
    const outside = new Float32Array(8).fill(0.5);
    w.fill(1);
    g.fill(0.1);
    expect(arena.adam(w, g, m, outside, constants(1))).toBe(false);
    expect(Array.from(w)).toEqual(new Array(8).fill(1));
    expect(Array.from(outside)).toEqual(new Array(8).fill(0.5));
  });
});
