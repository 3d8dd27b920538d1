import { SeededRandom } from '../../src/ml/seeded-random.ts';
import type { EncodedSplit } from '../../src/preprocessing/tabular-preprocessing.ts';

/**
 * An encoded regression split with two features a, b drawn uniform in [-1, 1) from `seed`, and
 * y = target(a, b) plus uniform noise of width 0.1: a known function for training-loop tests to
 * learn, reproducible to the bit.
 */
export function twoFeatureSplit(rows: number, seed: number, target: (a: number, b: number) => number): EncodedSplit {
  const random = new SeededRandom(seed);
  const x = new Float32Array(rows * 2);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const a = random.next() * 2 - 1;
    const b = random.next() * 2 - 1;
    x.set([a, b], r * 2);
    y[r] = target(a, b) + (random.next() - 0.5) * 0.1;
  }
  return { x, y, rows, width: 2 };
}
