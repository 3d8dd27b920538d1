import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { LSTM } from './lstm-layer.ts';
import { buildRecurrent } from './recurrent.ts';
import { selectBackend } from '../../ml/backend.ts';
import { expectClose } from '../../../test/support/expect-close.ts';

const BATCH = 5;
const TIME = 7;
const INPUTS = 3;
const UNITS = 4;

function values(n: number, seed: number, scale: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return ((s / 2 ** 32) * 2 - 1) * scale;
  });
}

/**
 * Per row, which steps are read: padding at the end of different lengths (one row all padding,
 * one with none), and one row with a gap in the middle.
 */
const MASK = tf.tidy(() =>
  tf.tensor2d(
    [
      [1, 1, 1, 1, 1, 1, 1],
      [1, 1, 1, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0],
      [1, 1, 0, 0, 1, 1, 0],
      [1, 0, 0, 0, 0, 0, 0],
    ],
    [BATCH, TIME],
    'bool',
  ),
);

interface Case {
  returnSequences: boolean;
  goBackwards: boolean;
  recurrentActivation: 'hardSigmoid' | 'sigmoid';
  masked: boolean;
}

/** The layer's output and the gradients of a weighted sum of it (input, kernel, recurrent kernel, bias). */
function outputAndGradients(layer: tf.layers.Layer, c: Case): Float32Array[] {
  return tf.tidy(() => {
    // Weights large enough that hardSigmoid's clip is reached in both directions.
    const x = tf.tensor3d(values(BATCH * TIME * INPUTS, 11, 3), [BATCH, TIME, INPUTS]);
    const kwargs = c.masked ? { mask: MASK } : {};
    const out = layer.apply(x, kwargs) as tf.Tensor;
    const w = tf.tensor(values(out.size, 12, 1), out.shape);
    const loss = (input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input, kwargs) as tf.Tensor, w)) as tf.Scalar;
    const dx = tf.grad(loss)(x);
    const { grads } = tf.variableGrads(
      () => loss(x),
      layer.trainableWeights.map((v) => v.read() as tf.Variable),
    );
    return [out, dx, ...layer.trainableWeights.map((v) => grads[(v.read() as tf.Variable).name]!)].map((t) =>
      Float32Array.from(t.dataSync()),
    );
  });
}

function withWeights<L extends tf.layers.Layer>(layer: L): L {
  layer.apply(tf.input({ shape: [TIME, INPUTS] }));
  layer.setWeights([
    tf.tensor2d(values(INPUTS * 4 * UNITS, 1, 1.5), [INPUTS, 4 * UNITS]),
    tf.tensor2d(values(UNITS * 4 * UNITS, 2, 1.5), [UNITS, 4 * UNITS]),
    tf.tensor1d(values(4 * UNITS, 3, 1)),
  ]);
  return layer;
}

/** The fused op against tfjs's step-by-step loop. */
const TOLERANCE = 2e-5;

const CASES: Case[] = [];
for (const returnSequences of [false, true])
  for (const goBackwards of [false, true])
    for (const recurrentActivation of ['hardSigmoid', 'sigmoid'] as const)
      for (const masked of [true, false]) CASES.push({ returnSequences, goBackwards, recurrentActivation, masked });

afterAll(() => MASK.dispose());

describe.each(['wasm', 'cpu'] as const)('the fused LSTM on %s', (backend) => {
  it.each(CASES)(
    'matches tfjs LSTM: sequences $returnSequences, backwards $goBackwards, $recurrentActivation gates, masked $masked',
    async (c) => {
      expect(await selectBackend(backend)).toBe(backend);
      const args = { units: UNITS, ...c };
      const ours = withWeights(new LSTM(args));
      const theirs = withWeights(tf.layers.lstm(args));
      const expected = outputAndGradients(theirs, c);
      const actual = outputAndGradients(ours, c);
      expect(actual).toHaveLength(5);
      actual.forEach((values, i) => expectClose(values, expected[i]!, TOLERANCE));
      // Not a vacuous comparison: the masked rows' gradients are zero, the others are not.
      expect(actual[1]!.some((v) => Math.abs(v) > 1e-3)).toBe(true);
      ours.dispose();
      theirs.dispose();
    },
  );

  it('serves batches of other sizes in turn, and differentiates a pass another one followed', async () => {
    expect(await selectBackend(backend)).toBe(backend);
    const ours = withWeights(new LSTM({ units: UNITS }));
    const theirs = withWeights(tf.layers.lstm({ units: UNITS }));
    const results = (layer: tf.layers.Layer) =>
      tf.tidy(() => {
        const x = tf.tensor3d(values(BATCH * TIME * INPUTS, 11, 3), [BATCH, TIME, INPUTS]);
        const few = tf.slice(x, [0, 0, 0], [2, TIME, INPUTS]);
        const outputs = [x, few, x, few].map((input) => layer.apply(input) as tf.Tensor);
        const w = tf.tensor(values(BATCH * UNITS, 12, 1), [BATCH, UNITS]);
        // The second pass overwrites what the first one kept for its gradient.
        const { grads } = tf.variableGrads(
          () => {
            const first = layer.apply(x) as tf.Tensor;
            layer.apply(few);
            return tf.sum(tf.mul(first, w)) as tf.Scalar;
          },
          layer.trainableWeights.map((v) => v.read() as tf.Variable),
        );
        const gradients = layer.trainableWeights.map((v) => grads[(v.read() as tf.Variable).name]!);
        return [...outputs, ...gradients].map((t) => Float32Array.from(t.dataSync()));
      });
    const expected = results(theirs);
    results(ours).forEach((actual, i) => expectClose(actual, expected[i]!, TOLERANCE));
    ours.dispose();
    theirs.dispose();
  });

  it('runs a training step as a handful of kernels, where tfjs dispatches hundreds', async () => {
    expect(await selectBackend(backend)).toBe(backend);
    const c: Case = { returnSequences: false, goBackwards: false, recurrentActivation: 'hardSigmoid', masked: true };
    const count = async (layer: tf.layers.Layer) =>
      (await tf.profile(() => outputAndGradients(layer, c))).kernels.length;
    const ours = await count(withWeights(new LSTM({ units: UNITS })));
    const theirs = await count(withWeights(tf.layers.lstm({ units: UNITS })));
    expect(ours).toBeLessThan(40);
    expect(theirs).toBeGreaterThan(5 * ours);
  });
});

describe('a saved LSTM model', () => {
  it('loads into the fused layer, bidirectional copies included, and predicts as before', async () => {
    expect(await selectBackend('wasm')).toBe('wasm');
    const model = buildRecurrent(
      { type: 'lstm', units: [6, 5], bidirectional: true, embeddingDim: 4, dropout: 0, denseUnits: [] },
      { kind: 'tokens', maxLength: TIME, vocabSize: 20 },
      { kind: 'classification', numClasses: 3 },
      { seed: 7 },
    );
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const lstms = loaded.layers.flatMap((layer) => {
      const wrapped = layer as unknown as { forwardLayer?: tf.layers.Layer; backwardLayer?: tf.layers.Layer };
      return wrapped.forwardLayer ? [wrapped.forwardLayer, wrapped.backwardLayer] : [];
    });
    expect(lstms).toHaveLength(4);
    for (const layer of lstms) expect(layer).toBeInstanceOf(LSTM);
    const tokens = tf.tensor2d(
      [
        [3, 4, 5, 0, 0, 0, 0],
        [1, 2, 3, 4, 5, 6, 7],
        [9, 0, 0, 0, 0, 0, 0],
      ],
      [3, TIME],
      'int32',
    );
    const before = (model.predict(tokens) as tf.Tensor).dataSync();
    const after = (loaded.predict(tokens) as tf.Tensor).dataSync();
    expectClose(Float32Array.from(after), Float32Array.from(before), 1e-6);
    tf.dispose([tokens, model, loaded] as unknown as tf.Tensor[]);
  });
});
