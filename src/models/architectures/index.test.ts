import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { UnprocessableError } from '../../errors.ts';
import {
  cnnSchema,
  deepModelSchema,
  recurrentSchema,
  transformerSchema,
  type DeepInput,
  type DeepTask,
} from './schemas.ts';
import { buildDeepModel, lossFor } from './index.ts';
import { selectBackend } from '../../ml/backend.ts';

const image: DeepInput = { kind: 'image', height: 12, width: 10, channels: 1 };
const tokens: DeepInput = { kind: 'tokens', maxLength: 7, vocabSize: 20 };
const sequence: DeepInput = { kind: 'sequence', timesteps: 9, features: 2 };
const classes: DeepTask = { kind: 'classification', numClasses: 3 };
const regression: DeepTask = { kind: 'regression', outputs: 2 };

function batchFor(input: DeepInput, n: number): tf.Tensor {
  if (input.kind === 'image')
    return tf.randomUniform([n, input.height, input.width, input.channels], 0, 1, 'float32', 1);
  if (input.kind === 'sequence') return tf.randomNormal([n, input.timesteps, input.features], 0, 1, 'float32', 2);
  // Trailing zeros exercise the padding path of the token models.
  return tf.tensor2d(
    Array.from({ length: n }, (_, i) =>
      Array.from({ length: input.maxLength }, (_, t) => (t < 4 + (i % 3) ? 2 + ((i * 7 + t) % 18) : 0)),
    ),
  );
}

/** Compiles, runs one fitting epoch on the active backend and returns the predictions' shape. */
async function trainOnce(
  model: tf.LayersModel,
  input: DeepInput,
  task: DeepTask,
): Promise<{ shape: number[]; loss: number }> {
  model.compile({ optimizer: 'adam', loss: lossFor(task) });
  const x = batchFor(input, 6);
  const y =
    task.kind === 'classification'
      ? tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), task.numClasses).toFloat()
      : tf.randomNormal([6, task.outputs]);
  const history = await model.fit(x, y, { epochs: 1, batchSize: 3, verbose: 0 });
  return { shape: (model.predict(x) as tf.Tensor).shape, loss: history.history.loss?.[0] as number };
}

beforeAll(async () => {
  expect(await selectBackend('wasm')).toBe('wasm');
});

describe('hyperparameter schemas', () => {
  it('fill defaults', () => {
    const cnn = cnnSchema.parse({ type: 'cnn' });
    expect(cnn.convBlocks).toHaveLength(2);
    expect(cnn.reduce).toBe('flatten');
    expect(recurrentSchema.parse({ type: 'gru' }).units).toEqual([32]);
    expect(transformerSchema.parse({ type: 'transformer' })).toMatchObject({ embedDim: 32, numHeads: 2, numBlocks: 1 });
  });

  it('reject unknown keys at every level and out-of-bound values', () => {
    expect(cnnSchema.safeParse({ type: 'cnn', filter: 3 }).success).toBe(false);
    expect(cnnSchema.safeParse({ type: 'cnn', convBlocks: [{ filters: 8, kernelSize: 3, dilation: 2 }] }).success).toBe(
      false,
    );
    expect(cnnSchema.safeParse({ type: 'cnn', convBlocks: [{ filters: 0, kernelSize: 3 }] }).success).toBe(false);
    expect(cnnSchema.safeParse({ type: 'cnn', convBlocks: [] }).success).toBe(false);
    expect(recurrentSchema.safeParse({ type: 'lstm', units: [32, 32, 32, 32] }).success).toBe(false);
    expect(transformerSchema.safeParse({ type: 'transformer', numHeads: 17 }).success).toBe(false);
    expect(transformerSchema.safeParse({ type: 'transformer', dropout: 0.95 }).success).toBe(false);
    expect(deepModelSchema.safeParse({ type: 'mlp' }).success).toBe(false);
  });
});

describe('buildDeepModel', () => {
  const cases: [string, unknown, DeepInput, DeepTask][] = [
    [
      'cnn on images',
      {
        type: 'cnn',
        convBlocks: [
          { filters: 4, kernelSize: 3, dropout: 0.2 },
          { filters: 4, kernelSize: 3, pooling: 'avg', strides: 2 },
        ],
      },
      image,
      classes,
    ],
    [
      'cnn on sequences (1-D), global average',
      { type: 'cnn', convBlocks: [{ filters: 4, kernelSize: 3 }], reduce: 'globalAverage' },
      sequence,
      regression,
    ],
    ['cnn on tokens', { type: 'cnn', convBlocks: [{ filters: 4, kernelSize: 3 }], embeddingDim: 4 }, tokens, classes],
    ['rnn on tokens', { type: 'rnn', units: [5], embeddingDim: 4 }, tokens, classes],
    [
      'stacked bidirectional lstm on tokens',
      { type: 'lstm', units: [4, 3], bidirectional: true, dropout: 0.1, embeddingDim: 4 },
      tokens,
      classes,
    ],
    ['gru on numeric sequences', { type: 'gru', units: [4], denseUnits: [3] }, sequence, regression],
    [
      'transformer on numeric sequences (attention forecaster)',
      { type: 'transformer', embedDim: 8, numHeads: 2, ffDim: 8 },
      sequence,
      regression,
    ],
    [
      'transformer on tokens',
      { type: 'transformer', embedDim: 8, numHeads: 2, ffDim: 8, numBlocks: 2, causal: true },
      tokens,
      classes,
    ],
  ];
  for (const [name, raw, input, task] of cases) {
    it(`${name}: builds and trains a step on wasm`, async () => {
      const model = buildDeepModel(deepModelSchema.parse(raw), input, task, { seed: 7 });
      const { shape, loss } = await trainOnce(model, input, task);
      expect(shape).toEqual([6, task.kind === 'classification' ? task.numClasses : task.outputs]);
      expect(Number.isFinite(loss)).toBe(true);
    });
  }

  it('rejects inputs a family cannot read with a 422', () => {
    const attempt = (raw: unknown, input: DeepInput) => () =>
      buildDeepModel(deepModelSchema.parse(raw), input, classes);
    expect(attempt({ type: 'lstm' }, image)).toThrow(UnprocessableError);
    expect(attempt({ type: 'transformer' }, image)).toThrow(/for images use a cnn/);
    expect(attempt({ type: 'cnn' }, { kind: 'image', height: 0, width: 4, channels: 1 })).toThrow(/height/);
    expect(() =>
      buildDeepModel(deepModelSchema.parse({ type: 'cnn' }), image, { kind: 'classification', numClasses: 1 }),
    ).toThrow(/at least 2 classes/);
  });

  it('is reproducible from a seed and varies without one', () => {
    const params = deepModelSchema.parse({ type: 'lstm', units: [3], embeddingDim: 4 });
    const weights = (seed?: number) =>
      buildDeepModel(params, tokens, classes, seed === undefined ? {} : { seed })
        .getWeights()
        .map((w) => Array.from(w.dataSync()));
    expect(weights(3)).toEqual(weights(3));
    expect(weights(3)).not.toEqual(weights(4));
  });
});
