import { describe, expect, it } from 'vitest';
import { selectBackend, tf } from './backend.ts';

/** d/dx sum(tile(x, reps) * w) by definition: each x entry collects w at every copy of it. */
function referenceGradient(shape: number[], reps: number[], w: Float32Array): Float32Array {
  const tiled = shape.map((size, axis) => size * (reps[axis] ?? 1));
  const grad = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const index = new Array<number>(tiled.length).fill(0);
  for (let flat = 0; flat < w.length; flat++) {
    let source = 0;
    for (let axis = 0; axis < shape.length; axis++) source = source * shape[axis]! + (index[axis]! % shape[axis]!);
    grad[source] = grad[source]! + w[flat]!;
    for (let axis = tiled.length - 1; axis >= 0; axis--) {
      index[axis] = index[axis]! + 1;
      if (index[axis]! < tiled[axis]!) break;
      index[axis] = 0;
    }
  }
  return grad;
}

describe('the Tile gradient', () => {
  const cases: { shape: number[]; reps: number[] }[] = [
    { shape: [3], reps: [4] },
    { shape: [2, 3], reps: [3, 1] },
    { shape: [1, 1, 8], reps: [16, 32, 1] },
    { shape: [2, 1, 3, 2], reps: [1, 5, 2, 3] },
    // tfjs's own gradient stops at rank 4
    { shape: [2, 1, 2, 1, 3], reps: [2, 3, 1, 2, 1] },
  ];
  for (const backend of ['wasm', 'cpu'] as const) {
    for (const { shape, reps } of cases) {
      it(`sums every copy of x on ${backend}: x [${shape}] tiled by [${reps}]`, async () => {
        await selectBackend(backend);
        const size = shape.reduce((a, b) => a * b, 1);
        const wShape = shape.map((s, axis) => s * reps[axis]!);
        const wValues = Float32Array.from({ length: wShape.reduce((a, b) => a * b, 1) }, (_, i) => ((i * 7) % 13) - 6);
        const grad = tf.tidy(() => {
          const w = tf.tensor(wValues, wShape);
          const x = tf.tensor(
            Float32Array.from({ length: size }, (_, i) => i / size),
            shape,
          );
          return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.tile(v, reps), w)))(x);
        });
        expect(grad.shape).toEqual(shape);
        expect(Array.from(grad.dataSync())).toEqual(Array.from(referenceGradient(shape, reps, wValues)));
        grad.dispose();
      });
    }
  }
});
