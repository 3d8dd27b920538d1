import { tf } from '../src/ml/backend.ts';

/**
 * The bare model call the benchmarks compare against: one tensor in, one `predictOnBatch`, the
 * outputs read back, every tensor freed. (`model.predict` would split rows into slices of 32.)
 */
export function callModel(model: tf.LayersModel, x: Float32Array, rows: number, width: number): Float32Array {
  // Read outside tf.tidy: tidy walks a returned typed array element by element.
  const output = tf.tidy(() => model.predictOnBatch(tf.tensor2d(x, [rows, width])) as tf.Tensor);
  try {
    return output.dataSync() as Float32Array;
  } finally {
    output.dispose();
  }
}
