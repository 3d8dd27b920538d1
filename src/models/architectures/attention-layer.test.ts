import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MultiHeadSelfAttention, PositionalEmbedding } from './attention-layer.ts';
import { selectBackend } from '../../ml/backend.ts';

const TIME = 6;
const VOCAB = 10;

function encoder(causal = false): tf.LayersModel {
  const ids = tf.input({ shape: [TIME] });
  const embedded = new PositionalEmbedding({ vocabSize: VOCAB, maxLength: TIME, embedDim: 8, seed: 1 }).apply(
    ids,
  ) as tf.SymbolicTensor;
  const attended = new MultiHeadSelfAttention({ numHeads: 2, keyDim: 4, causal, seed: 2 }).apply(
    embedded,
  ) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling1d().apply(attended) as tf.SymbolicTensor;
  const out = tf.layers
    .dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) })
    .apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: ids, outputs: out });
}

/** Toy task that needs attention across positions: does token 7 appear anywhere? */
function toyData(n: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const rows: number[][] = [];
  const labels: number[] = [];
  let s = 11;
  const next = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: TIME }, () => 1 + Math.floor(next() * 6));
    const positive = i % 2 === 0;
    if (positive) row[Math.floor(next() * TIME)] = 7;
    rows.push(row);
    labels.push(positive ? 1 : 0);
  }
  return { x: tf.tensor2d(rows), y: tf.oneHot(tf.tensor1d(labels, 'int32'), 2).toFloat() as tf.Tensor2D };
}

beforeAll(async () => {
  expect(await selectBackend('wasm')).toBe('wasm');
});

describe('MultiHeadSelfAttention', () => {
  it('keeps [batch, time, features] and rejects bad hyperparameters', () => {
    const layer = new MultiHeadSelfAttention({ numHeads: 3, keyDim: 5 });
    const y = layer.apply(tf.randomNormal([2, 4, 7])) as tf.Tensor;
    expect(y.shape).toEqual([2, 4, 7]);
    expect(layer.countParams()).toBe(3 * (7 * 15 + 15) + 15 * 7 + 7);
    expect(() => new MultiHeadSelfAttention({ numHeads: 0, keyDim: 4 })).toThrow(/numHeads/);
    expect(() => layer.apply(tf.randomNormal([2, 7]))).toThrow(/batch, time, features/);
  });

  it('with a causal mask, position i ignores later positions', () => {
    const layer = new MultiHeadSelfAttention({ numHeads: 2, keyDim: 3, causal: true, seed: 5 });
    const a = tf.randomNormal([1, 5, 4], 0, 1, 'float32', 1);
    const b = tf.concat([a.slice([0, 0, 0], [1, 3, 4]), tf.randomNormal([1, 2, 4], 0, 1, 'float32', 2)], 1);
    const ya = (layer.apply(a) as tf.Tensor).arraySync() as number[][][];
    const yb = (layer.apply(b) as tf.Tensor).arraySync() as number[][][];
    for (let t = 0; t < 3; t++) expect(yb[0]![t]).toEqual(ya[0]![t]);
    expect(yb[0]![4]).not.toEqual(ya[0]![4]);
  });
});

describe('PositionalEmbedding', () => {
  it('adds a position vector, so the same token at two positions embeds differently', () => {
    const layer = new PositionalEmbedding({ vocabSize: VOCAB, maxLength: 4, embedDim: 3, seed: 4 });
    const out = (layer.apply(tf.tensor2d([[5, 5, 0]])) as tf.Tensor).arraySync() as number[][][];
    expect(out[0]!).toHaveLength(3);
    expect(out[0]![0]).not.toEqual(out[0]![1]);
    expect(() => layer.apply(tf.zeros([1, 5]))).toThrow(/maxLength 4/);
  });
});

describe('a model with both layers', () => {
  it('saves and loads back with identical predictions', async () => {
    const model = encoder(true);
    const { x } = toyData(8);
    const before = (model.predict(x) as tf.Tensor).dataSync();
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    expect(JSON.stringify(saved?.modelTopology)).toContain('"num_heads":2');
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const after = (loaded.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(after)).toEqual(Array.from(before));
    expect(loaded.layers.map((l) => l.getClassName())).toContain('MultiHeadSelfAttention');
  });

  it('passes a gradient to every weight and learns a task that needs attention', async () => {
    const model = encoder();
    const { x, y } = toyData(128);
    const { grads } = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar,
    );
    expect(Object.keys(grads).length).toBe(model.trainableWeights.length);
    for (const g of Object.values(grads)) expect(g.abs().max().dataSync()[0]).toBeGreaterThan(0);

    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const history = await model.fit(x, y, { epochs: 30, batchSize: 32, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.5);
    expect((history.history.acc as number[]).at(-1)!).toBeGreaterThan(0.9);
  });
});
