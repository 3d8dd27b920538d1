import { tf } from '../ml/backend.ts';
import { tidyData } from '../ml/tensor-data.ts';

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
    return tidyData(() => model.predictOnBatch(tf.tensor(whole, [rows, ...inputShape])) as tf.Tensor);
  };
}
