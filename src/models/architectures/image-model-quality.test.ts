import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { deepModelSchema, type DeepTask } from './schemas.ts';
import { buildDeepModel, lossFor } from './index.ts';
import { readImageArchive, type LabelledImage } from '../../datasets/image-archive.ts';
import { imagesToBatch } from '../../preprocessing/images.ts';
import { selectBackend } from '../../ml/backend.ts';

const SPEC = { height: 8, width: 8, channels: 1 } as const;
const TASK: DeepTask = { kind: 'classification', numClasses: 10 };
const SEED = 1;
const EPOCHS = 10;

let train: { x: tf.Tensor4D; y: tf.Tensor2D };
let test: { x: tf.Tensor4D; labels: number[] };

function batch(images: LabelledImage[]): { x: tf.Tensor4D; labels: number[] } {
  return {
    x: imagesToBatch(
      images.map((i) => i.bytes),
      SPEC,
    ),
    labels: images.map((i) => Number(i.label)),
  };
}

/** Trains without shuffling (fit's shuffle uses Math.random) so both models see the same batches. */
async function testAccuracy(model: tf.LayersModel): Promise<number> {
  model.compile({ optimizer: tf.train.adam(0.005), loss: lossFor(TASK) });
  await model.fit(train.x, train.y, { epochs: EPOCHS, batchSize: 32, shuffle: false, verbose: 0 });
  const predicted = tf.tidy(() => (model.predict(test.x) as tf.Tensor).argMax(-1).arraySync() as number[]);
  return predicted.reduce((hits, p, i) => hits + (p === test.labels[i] ? 1 : 0), 0) / test.labels.length;
}

beforeAll(async () => {
  expect(await selectBackend('wasm')).toBe('wasm');
  const archive = await readImageArchive(
    readFileSync(new URL('../../../test/fixtures/images/digits.zip', import.meta.url)),
  );
  // Every third image is held out; the rest are interleaved by a fixed permutation so classes mix.
  const held = archive.images.filter((_, i) => i % 3 === 0);
  const rest = archive.images.filter((_, i) => i % 3 !== 0);
  const order = rest.map((_, i) => i).sort((a, b) => ((a * 7919) % 401) - ((b * 7919) % 401));
  const fitted = batch(order.map((i) => rest[i]!));
  train = { x: fitted.x, y: tf.oneHot(fitted.labels, 10).toFloat() as tf.Tensor2D };
  test = batch(held);
});

describe('on 8x8 handwritten digits (400 to train, 200 held out)', () => {
  it('a small CNN beats a dense network on the same pixels, epochs and seed', async () => {
    const cnn = buildDeepModel(
      deepModelSchema.parse({
        type: 'cnn',
        convBlocks: [
          { filters: 32, kernelSize: 3, pooling: 'none' },
          { filters: 32, kernelSize: 3 },
        ],
        denseUnits: [64],
        denseDropout: 0.25,
      }),
      { kind: 'image', ...SPEC },
      TASK,
      { seed: SEED },
    );
    const input = tf.input({ shape: [8, 8, 1] });
    const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
    const hidden = tf.layers
      .dense({ units: 64, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: SEED }) })
      .apply(flat) as tf.SymbolicTensor;
    const dropped = tf.layers.dropout({ rate: 0.25, seed: SEED + 1 }).apply(hidden) as tf.SymbolicTensor;
    const out = tf.layers
      .dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: SEED + 2 }) })
      .apply(dropped) as tf.SymbolicTensor;
    const mlp = tf.model({ inputs: input, outputs: out });

    const cnnAccuracy = await testAccuracy(cnn);
    const mlpAccuracy = await testAccuracy(mlp);
    expect(cnnAccuracy).toBeGreaterThan(mlpAccuracy);
    expect(cnnAccuracy).toBeGreaterThanOrEqual(0.95);
  });
});
