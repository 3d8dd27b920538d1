import { tf } from '../ml/backend.ts';

/** A forward pass over `rows` row-major rows of a `[rows, ...inputShape]` input: the model's outputs, row-major. */
export type ForwardPass = (x: Float32Array, rows: number) => Float32Array;

/**
 * TensorFlow.js as a forward pass: one `predictOnBatch` on a `[rows, ...inputShape]` tensor
 * (predict() would split the batch into slices of 32 rows), every tensor freed.
 */
export function tensorflowPass(model: tf.LayersModel, inputShape: readonly number[]): ForwardPass {
  return (x, rows) => {
    // Backends differ in how they read a view into a larger buffer (a request's rows often
    // are one); a copy costs little next to a model call.
    const whole = x.byteOffset === 0 && x.byteLength === x.buffer.byteLength ? x : x.slice();
    // The output tensor leaves tf.tidy and is read outside it: tidy walks whatever its function
    // returns looking for tensors, element by element for a typed array (a seventh of a
    // 1000-row request's time when the outputs were read inside).
    const output = tf.tidy(() => model.predictOnBatch(tf.tensor(whole, [rows, ...inputShape])) as tf.Tensor);
    try {
      return output.dataSync() as Float32Array;
    } finally {
      output.dispose();
    }
  };
}
