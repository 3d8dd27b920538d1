/**
 * A model load and forward pass run once at the API's start, on a two-layer model made here,
 * so that the code every version's load runs (TensorFlow.js's model deserialisation, layer
 * building, weight setting, both forward passes) is compiled before the first prediction
 * rather than on its path: the first prediction after a start took 44 against 58 ms (medians of
 * 8 interleaved starts; BENCHMARKS.md, 1e'), the second 11 against 22 ms, for no change in the
 * start that those starts could tell from their noise.
 */
import { artifactsInMemory } from '../ml/artifacts-in-memory.ts';
import * as tf from '../ml/tfjs.ts';
import { denseForward } from './dense-forward.ts';
import { tensorflowPass } from './forward-pass.ts';

export async function warmUpModelLoading(): Promise<void> {
  const made = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [2], units: 2, activation: 'relu' }),
      tf.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
  const artifacts = await artifactsInMemory(made);
  made.dispose();
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts), { strict: true });
  try {
    const row = new Float32Array(2);
    denseForward(model, 2)?.(row, 1);
    tensorflowPass(model, [2])(row, 1);
  } finally {
    model.dispose();
  }
}
