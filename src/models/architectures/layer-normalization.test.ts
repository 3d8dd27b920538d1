import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LayerNormalization } from './layer-normalization.ts';
import { selectBackend } from '../../ml/backend.ts';

const SHAPE = [4, 5, 6];

function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s / 2 ** 32) * 4 - 2;
  });
}

/** A model with one layer norm over the features, gamma and beta set away from 1 and 0. */
function normModel(layer: tf.layers.Layer): tf.LayersModel {
  const input = tf.input({ shape: SHAPE.slice(1) });
  const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
  layer.setWeights([tf.tensor1d(values(6, 3)), tf.tensor1d(values(6, 4))]);
  return model;
}

/** Output, and gradients of a weighted sum with respect to input, gamma and beta. */
function outputAndGradients(model: tf.LayersModel, x: tf.Tensor, w: tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    const out = model.apply(x) as tf.Tensor;
    const loss = (input: tf.Tensor) => tf.sum(tf.mul(model.apply(input) as tf.Tensor, w)) as tf.Scalar;
    const dx = tf.grad(loss)(x);
    const { grads } = tf.variableGrads(() => loss(x));
    const byName = Object.entries(grads).sort(([a], [b]) => a.localeCompare(b));
    return [out, dx, ...byName.map(([, g]) => g)].map((t) => Float32Array.from(t.dataSync()));
  });
}

beforeAll(async () => {
  expect(await selectBackend('wasm')).toBe('wasm');
});

describe('LayerNormalization', () => {
  it("matches TensorFlow.js's layer forward and backward", () => {
    const x = tf.tensor3d(values(4 * 5 * 6, 1), [4, 5, 6]);
    const w = tf.tensor3d(values(4 * 5 * 6, 2), [4, 5, 6]);
    const ours = outputAndGradients(normModel(new LayerNormalization({ epsilon: 1e-6 })), x, w);
    const theirs = outputAndGradients(normModel(tf.layers.layerNormalization({ epsilon: 1e-6 })), x, w);
    expect(ours).toHaveLength(4);
    ours.forEach((array, k) => {
      expect(array.length).toBe(theirs[k]!.length);
      array.forEach((v, i) => expect(v).toBeCloseTo(theirs[k]![i]!, 4));
    });
    tf.dispose([x, w]);
  });

  it("loads models saved with TensorFlow.js's layer into this one, with the same weights and output", async () => {
    const saved = normModel(tf.layers.layerNormalization({ epsilon: 1e-3 }));
    let artifacts: tf.io.ModelArtifacts | undefined;
    await saved.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    expect(JSON.stringify(artifacts?.modelTopology)).toContain('"class_name":"LayerNormalization"');
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    const layer = loaded.layers[1];
    expect(layer).toBeInstanceOf(LayerNormalization);
    expect(layer?.getConfig()).toEqual(saved.layers[1]?.getConfig());
    const x = tf.tensor3d(values(4 * 5 * 6, 5), [4, 5, 6]);
    const expected = (saved.predict(x) as tf.Tensor).dataSync();
    const actual = (loaded.predict(x) as tf.Tensor).dataSync();
    expected.forEach((v, i) => expect(actual[i]).toBeCloseTo(v, 4));
  });
});
