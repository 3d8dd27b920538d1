import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../../ml/backend.ts';
import { SeededRandom } from '../../ml/seeded-random.ts';
import { buildModel } from '../../models/build-model.ts';
import type { HiddenLayerSpec } from '../../models/model-spec.ts';
import type { EncodedSplit } from '../../preprocessing/tabular-preprocessing.ts';
import { simdMemory } from '../../ml/simd-product.ts';
import { productNT } from '../../ml/product-arena.ts';
import { DenseStack, denseLossOf } from './dense-stack.ts';
import { dropoutMask } from './dropout-mask.ts';
import { HostAdamOptimizer } from './host-adam.ts';
import { dataLoss, fitModel, forward, targetTensor, type FitOptions } from './tabular-loop.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

/** `rows` rows of `width` features in [-1, 1) (a quarter of them exactly 0) and a target per task. */
function split(rows: number, width: number, task: FitOptions['task'], classes: number, seed: number): EncodedSplit {
  const random = new SeededRandom(seed);
  const x = Float32Array.from({ length: rows * width }, () => (random.next() < 0.25 ? 0 : random.next() * 2 - 1));
  const y = Float32Array.from({ length: rows }, (_, r) => {
    const score = x[r * width]! - 0.5 * x[r * width + 1]! + 0.3 * x[r * width + 2]!;
    if (task === 'regression') return score + (random.next() - 0.5) * 0.1;
    if (classes === 2) return score > 0 ? 1 : 0;
    return score < -0.3 ? 0 : score < 0.3 ? 1 : 2;
  });
  return { x, y, rows, width };
}

interface Case {
  name: string;
  task: FitOptions['task'];
  classes: number;
  hidden: HiddenLayerSpec[];
  l2: number;
}

// Row and unit counts that are not multiples of the 4 x 4 product tiles, every activation, each loss.
const cases: Case[] = [
  {
    name: 'softmax cross-entropy, relu and tanh',
    task: 'classification',
    classes: 3,
    hidden: [
      { units: 9, activation: 'relu', dropout: 0 },
      { units: 6, activation: 'tanh', dropout: 0 },
    ],
    l2: 0,
  },
  {
    name: 'sigmoid binary cross-entropy, sigmoid with dropout, L2',
    task: 'classification',
    classes: 2,
    hidden: [{ units: 7, activation: 'sigmoid', dropout: 0.3 }],
    l2: 0.01,
  },
  {
    name: 'squared error, elu and selu with dropout, L2',
    task: 'regression',
    classes: 1,
    hidden: [
      { units: 10, activation: 'elu', dropout: 0.2 },
      { units: 5, activation: 'selu', dropout: 0 },
    ],
    l2: 0.05,
  },
  { name: 'logistic regression (softmax, no hidden layer)', task: 'classification', classes: 4, hidden: [], l2: 0.001 },
  { name: 'linear regression', task: 'regression', classes: 1, hidden: [], l2: 0 },
];

function modelFor(c: Case, width: number, seed: number): tf.Sequential {
  const type = c.hidden.length > 0 ? 'mlp' : c.task === 'regression' ? 'linear' : 'logistic';
  return buildModel(type, { task: c.task, inputWidth: width, classes: c.classes }, seed, c.hidden);
}

function close(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const tolerance = 1e-5 + 1e-4 * Math.abs(expected[i]!);
    if (!(Math.abs(actual[i]! - expected[i]!) <= tolerance))
      throw new Error(`element ${i}: ${actual[i]} is not ${expected[i]} (within ${tolerance})`);
  }
}

describe('dense stack step', () => {
  for (const c of cases) {
    it(`computes TensorFlow.js's gradients: ${c.name}`, () => {
      const width = 5;
      const rows = 13;
      const data = split(rows, width, c.task, c.classes, 3);
      const model = modelFor(c, width, 7);
      const options: FitOptions = {
        task: c.task,
        classes: c.classes,
        epochs: 1,
        batchSize: rows,
        learningRate: 0.01,
        optimizer: 'adam',
        l2: c.l2,
        seed: 1,
      };
      const optimizer = new HostAdamOptimizer(0.01);
      const stack = DenseStack.of(model, denseLossOf(c.task, c.classes), c.l2, optimizer);
      expect(stack).toBeDefined();
      const seeds = model.layers.map((_, i) => 1000 + i);
      const objective = stack!.computeGradients(data.x, data.y, rows, seeds);

      const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(() => {
        const x = tf.tensor2d(data.x, [rows, width]);
        const loss = dataLoss(options, forward(model, x, seeds), targetTensor(data, options));
        const kernels = variables.filter((variable) => variable.name.includes('kernel'));
        return tf.add(loss, tf.mul(c.l2, tf.addN(kernels.map((kernel) => tf.sum(tf.square(kernel)))))) as tf.Scalar;
      }, variables);
      expect(objective).toBeCloseTo(value.dataSync()[0]!, 5);
      const expected = variables.map((variable) => grads[variable.name]!.dataSync());
      stack!.gradients().forEach((gradient, i) => close(gradient, expected[i]!));
      tf.dispose([value, grads]);
      optimizer.dispose();
      model.dispose();
    });
  }

  it('multiplies alike in the SIMD kernel and in JavaScript, whatever the shape', () => {
    const arena = simdMemory(1 << 20);
    expect(arena).toBeDefined();
    const { memory, product } = arena!;
    for (const [m, n, depth] of [
      [32, 64, 64],
      [29, 10, 64],
      [64, 10, 29],
      [5, 7, 3],
      [1, 1, 1],
      [13, 9, 10],
    ] as const) {
      // Views into the kernel's memory, filled in place (map would copy them out).
      const a = new Float32Array(memory.buffer, 0, m * depth);
      const b = new Float32Array(memory.buffer, 65536, n * depth);
      a.forEach((_, i) => (a[i] = Math.sin(i * 1.3)));
      b.forEach((_, i) => (b[i] = Math.cos(i * 0.7)));
      const out = new Float32Array(memory.buffer, 131072, m * n);
      product(a.byteOffset, b.byteOffset, out.byteOffset, m, n, depth);
      const expected = new Float32Array(m * n);
      productNT(a, b, expected, m, n, depth);
      close(out, expected);
    }
  });

  it('predicts what model.predict does, dropout off, in chunks of any size', () => {
    const c = cases[2]!;
    const width = 5;
    const rows = 2500;
    const data = split(rows, width, c.task, c.classes, 8);
    const model = modelFor(c, width, 3);
    const predicted = DenseStack.predictor(model)!(data.x, rows);
    const expected = tf.tidy(() => (model.predict(tf.tensor2d(data.x, [rows, width])) as tf.Tensor).dataSync());
    close(predicted, expected);
    model.dispose();
  });

  it("draws tf.dropout's mask for the same seed", () => {
    for (const [rate, seed] of [
      [0.3, 17],
      [0.5, 2_000_000_001],
      [0.9, 0],
    ] as const) {
      const expected = tf.tidy(() => tf.dropout(tf.ones([40, 7]), rate, undefined, seed).dataSync());
      const mask = new Float32Array(280);
      dropoutMask(mask, rate, seed);
      expect(Array.from(mask)).toEqual(Array.from(expected));
    }
  });

  it('is not used for what it cannot express', () => {
    const optimizer = new HostAdamOptimizer(0.01);
    const conv = tf.sequential({
      layers: [tf.layers.dense({ units: 4, inputShape: [3] }), tf.layers.batchNormalization()],
    });
    expect(DenseStack.of(conv, 'meanSquaredError', 0, optimizer)).toBeUndefined();
    const linear = buildModel('linear', { task: 'regression', inputWidth: 3, classes: 1 }, 1);
    expect(DenseStack.of(linear, 'meanSquaredError', 0, optimizer)).toBeDefined();
    // The squared and binary losses take one output unit; a softmax over 3 is the categorical one's.
    const softmax = buildModel('logistic', { task: 'classification', inputWidth: 3, classes: 3 }, 1);
    expect(DenseStack.of(softmax, 'binaryCrossEntropy', 0, optimizer)).toBeUndefined();
    expect(DenseStack.of(softmax, 'categoricalCrossEntropy', 0, tf.train.sgd(0.1))).toBeUndefined();
    [conv, linear, softmax].forEach((model) => model.dispose());
    optimizer.dispose();
  });

  it('trains to the accuracy and loss the TensorFlow.js tape reaches, reproducibly', async () => {
    const c = cases[0]!;
    const width = 6;
    const train = split(600, width, c.task, c.classes, 11);
    const test = split(300, width, c.task, c.classes, 12);
    const options: FitOptions = {
      task: 'classification',
      classes: 3,
      epochs: 30,
      batchSize: 32,
      learningRate: 0.01,
      optimizer: 'adam',
      l2: 0.001,
      seed: 4,
    };
    const run = async (tapeOnly: boolean) => {
      const model = modelFor(
        { ...c, hidden: [{ units: 16, activation: 'relu', dropout: 0.1 }, ...c.hidden.slice(1)] },
        width,
        5,
      );
      const result = await fitModel(model, train, undefined, { ...options, tapeOnly });
      const predicted = tf.tidy(
        () => (model.predict(tf.tensor2d(test.x, [test.rows, width])) as tf.Tensor).argMax(1).dataSync() as Int32Array,
      );
      const accuracy = predicted.filter((label, i) => label === test.y[i]).length / test.rows;
      const weights = model.getWeights().flatMap((w) => Array.from(w.dataSync()));
      model.dispose();
      return { loss: result.history.at(-1)!.loss, accuracy, weights };
    };
    const dense = await run(false);
    const tape = await run(true);
    expect(dense.accuracy).toBeGreaterThan(0.85);
    expect(Math.abs(dense.accuracy - tape.accuracy)).toBeLessThanOrEqual(0.02);
    expect(dense.loss).toBeCloseTo(tape.loss, 2);
    expect(await run(false)).toEqual(dense);
  });
});
