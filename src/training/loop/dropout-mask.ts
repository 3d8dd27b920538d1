/**
 * The dropout multiplier `tf.dropout(x, rate, undefined, seed)` draws, computed in JavaScript so
 * the dense step (dense-stack.ts) drops exactly the units the TensorFlow.js loop drops for the
 * same seed. tfjs draws its uniforms from seedrandom's Alea seeded with the seed's decimal
 * string, stores them as float32, and keeps a unit where floor(u + keep) is 1, scaling it by
 * 1 / keep, each step rounded to float32. Alea (Johannes Baagøe's generator, MIT, as seedrandom
 * ships it) is re-implemented here rather than imported: seedrandom is tfjs' dependency, not ours.
 */

const f = Math.fround;

/** Baagøe's Mash hash, the seeding step of Alea. */
function mash(): (data: string) => number {
  let n = 0xefc8249d;
  return (data) => {
    for (let i = 0; i < data.length; i++) {
      n += data.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * 0x100000000;
    }
    return (n >>> 0) * 2.3283064365386963e-10;
  };
}

/** seedrandom.alea(seed): uniforms in [0, 1). */
export function alea(seed: string): () => number {
  const hash = mash();
  let s0 = hash(' ');
  let s1 = hash(' ');
  let s2 = hash(' ');
  let c = 1;
  s0 -= hash(seed);
  if (s0 < 0) s0 += 1;
  s1 -= hash(seed);
  if (s1 < 0) s1 += 1;
  s2 -= hash(seed);
  if (s2 < 0) s2 += 1;
  return () => {
    const t = 2091639 * s0 + c * 2.3283064365386963e-10;
    s0 = s1;
    s1 = s2;
    c = t | 0;
    s2 = t - c;
    return s2;
  };
}

/**
 * Fills `mask` with the multiplier of `tf.dropout(x, rate, undefined, seed)` for an x of
 * `mask.length` elements: 0 for a dropped unit, float32(1 / keep) for a kept one.
 */
export function dropoutMask(mask: Float32Array, rate: number, seed: number): void {
  const random = alea(String(seed));
  const keep = f(1 - rate);
  const scale = f(1 / keep);
  for (let i = 0; i < mask.length; i++) mask[i] = Math.floor(f(f(random()) + keep)) === 0 ? 0 : scale;
}
