import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../ml/backend.ts';
import { buildModel } from '../models/build-model.ts';
import { denseForward } from './dense-forward.ts';

beforeAll(async () => {
  await selectBackend('auto');
});

/** Deterministic inputs with zeros (as one-hot columns have) and negatives. */
function inputs(rows: number, width: number): Float32Array {
  return Float32Array.from({ length: rows * width }, (_, i) => (i % 5 === 0 ? 0 : Math.sin(i * 1.7) * 3));
}

function expectSameAsTf(model: tf.LayersModel, width: number, rows = 7) {
  const x = inputs(rows, width);
  const forward = denseForward(model, width);
  expect(forward).toBeDefined();
  const expected = tf.tidy(() => (model.predictOnBatch(tf.tensor2d(x, [rows, width])) as tf.Tensor).dataSync());
  const actual = forward!(x, rows);
  expect(actual.length).toBe(expected.length);
  actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 5));
}

describe('denseForward', () => {
  it('matches TensorFlow.js for linear, binary and multinomial logistic models', () => {
    expectSameAsTf(buildModel('linear', { task: 'regression', inputWidth: 5, classes: 1 }, 3), 5);
    expectSameAsTf(buildModel('logistic', { task: 'classification', inputWidth: 5, classes: 2 }, 3), 5);
    expectSameAsTf(buildModel('logistic', { task: 'classification', inputWidth: 5, classes: 4 }, 3), 5);
  });

  it('matches TensorFlow.js for MLPs with every hidden activation, dropout ignored at inference', () => {
    for (const activation of ['relu', 'tanh', 'sigmoid', 'elu', 'selu', 'linear'] as const) {
      const model = buildModel('mlp', { task: 'classification', inputWidth: 6, classes: 3 }, 9, [
        { units: 8, activation, dropout: 0.5 },
        { units: 5, activation, dropout: 0 },
      ]);
      // Non-zero biases, as a trained model has.
      model.layers.forEach((layer) => {
        const weights = layer.getWeights();
        if (weights.length === 2) layer.setWeights([weights[0]!, tf.fill(weights[1]!.shape, 0.3)]);
      });
      expectSameAsTf(model, 6);
    }
  });

  it('declines models that are not sequential dense stacks, or whose input width differs', () => {
    const conv = tf.sequential({
      layers: [
        tf.layers.conv1d({ inputShape: [8, 1], filters: 2, kernelSize: 3 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 1 }),
      ],
    });
    expect(denseForward(conv, 8)).toBeUndefined();
    const dense = buildModel('linear', { task: 'regression', inputWidth: 5, classes: 1 }, 3);
    expect(denseForward(dense, 6)).toBeUndefined();
  });
});
