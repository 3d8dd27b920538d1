import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../../ml/backend.ts';
import { buildModel } from '../../models/build-model.ts';
import { createBatchStep, createOptimizer, type BatchLoss } from './gradient-step.ts';
import { HostAdamOptimizer } from './host-adam.ts';

const ROWS = 96;
const WIDTH = 8;
const CLASSES = 3;

function data(): { x: tf.Tensor2D; y: tf.Tensor2D } {
  let s = 5;
  const next = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const x = Array.from({ length: ROWS * WIDTH }, () => next() * 2 - 1);
  const labels = Array.from(
    { length: ROWS },
    (_, i) => (x[i * WIDTH]! > 0 ? 1 : 0) + (x[i * WIDTH + 1]! > 0.5 ? 1 : 0),
  );
  return {
    x: tf.tensor2d(x, [ROWS, WIDTH]),
    y: tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES).toFloat() as tf.Tensor2D,
  };
}

function mlp(): tf.Sequential {
  return buildModel('mlp', { task: 'classification', inputWidth: WIDTH, classes: CLASSES }, 3, [
    { units: 16, activation: 'relu', dropout: 0 },
    { units: 8, activation: 'tanh', dropout: 0 },
  ]);
}

const lossOf =
  (model: tf.LayersModel): BatchLoss =>
  (xBatch, yBatch) =>
    tf.neg(
      tf.mean(tf.sum(tf.mul(yBatch, tf.log(tf.clipByValue(model.apply(xBatch) as tf.Tensor, 1e-7, 1 - 1e-7))), -1)),
    ) as tf.Scalar;

const batches = Array.from({ length: 30 }, (_, b) => Array.from({ length: 16 }, (_, i) => (b * 37 + i * 5) % ROWS));

/** Trains a fresh model for `steps` batches with `optimizer`, resuming into `resumeWith` halfway when given. */
async function train(
  optimizer: tf.Optimizer,
  resumeWith?: tf.Optimizer,
): Promise<{ weights: Float32Array[]; losses: number[] }> {
  const { x, y } = data();
  const model = mlp();
  let current = optimizer;
  let step = createBatchStep(model, current, 1e-3, x, y);
  const losses: number[] = [];
  for (const [index, batch] of batches.entries()) {
    if (resumeWith && index === batches.length / 2) {
      const saved = await current.getWeights();
      await resumeWith.setWeights(saved.map(({ name, tensor }) => ({ name, tensor: tensor.clone() })));
      current = resumeWith;
      step = createBatchStep(model, current, 1e-3, x, y);
    }
    losses.push(step(batch, lossOf(model)));
  }
  const weights = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
  tf.dispose([x, y]);
  model.dispose();
  return { weights, losses };
}

function expectSame(
  a: { weights: Float32Array[]; losses: number[] },
  b: { weights: Float32Array[]; losses: number[] },
) {
  a.losses.forEach((loss, i) => expect(loss).toBeCloseTo(b.losses[i]!, 5));
  expect(a.weights.length).toBe(b.weights.length);
  a.weights.forEach((w, i) => w.forEach((value, k) => expect(value).toBeCloseTo(b.weights[i]![k]!, 5)));
}

beforeAll(async () => {
  expect(await selectBackend('wasm')).toBe('wasm');
});

describe('HostAdamOptimizer', () => {
  it('is the Adam the training loops use on wasm', () => {
    const optimizer = createOptimizer('adam', 0.01);
    expect(optimizer).toBeInstanceOf(HostAdamOptimizer);
    optimizer.dispose();
  });

  it("trains an MLP to tfjs Adam's weights and losses", async () => {
    const host = await train(new HostAdamOptimizer(0.01));
    const reference = await train(tf.train.adam(0.01));
    expect(host.losses[host.losses.length - 1]).toBeLessThan(host.losses[0]!);
    expectSame(host, reference);
  });

  it("trains to tfjs Adam's weights and losses to the bit on wasm", async () => {
    const host = await train(new HostAdamOptimizer(0.01));
    const reference = await train(tf.train.adam(0.01));
    expect(host.losses).toEqual(reference.losses);
    host.weights.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(reference.weights[i]!)));
  });

  it("hands out and takes tfjs Adam's slots, so a run resumed either way ends where it would have", async () => {
    const uninterrupted = await train(tf.train.adam(0.01));
    expectSame(await train(new HostAdamOptimizer(0.01), tf.train.adam(0.01)), uninterrupted);
    expectSame(await train(tf.train.adam(0.01), new HostAdamOptimizer(0.01)), uninterrupted);
  });
});
