/**
 * The gradient of `Tile` as one reshape and one sum. TensorFlow.js 4.22 adds up one `Slice`
 * per copy (`reps[0] x reps[1] x ...` Slice + Add pairs), and its layer normalisation tiles
 * gamma and beta up to `[batch, time, features]`, so a transformer step dispatched thousands
 * of kernels (on wasm each Slice also copies its whole input) and the cost grew with
 * (batch x time)^2. Viewing dy `[r0*x0, r1*x1, ...]` as `[r0, x0, r1, x1, ...]` and summing
 * the `r` axes is the same sum in one kernel, for any rank.
 */
import * as tf from '@tensorflow/tfjs-core';

function tileGradient(dy: tf.Tensor, saved: tf.Tensor[], attrs: tf.NamedAttrMap): { x: () => tf.Tensor } {
  const [x] = saved;
  if (x === undefined) throw new Error('The Tile gradient needs its saved input.');
  const reps = (attrs as unknown as tf.TileAttrs).reps;
  return {
    x: () => {
      const split: number[] = [];
      const repAxes: number[] = [];
      x.shape.forEach((size, axis) => {
        repAxes.push(split.length);
        split.push(reps[axis] ?? 1, size);
      });
      return tf.sum(tf.reshape(dy, split), repAxes);
    },
  };
}

/** Replaces TensorFlow.js's Tile gradient with {@link tileGradient} (src/ml/tfjs.ts, once its own are in). */
export function registerTileGradient(): void {
  tf.registerGradient({ kernelName: 'Tile', inputsToSave: ['x'], gradFunc: tileGradient as tf.GradFunc });
}
