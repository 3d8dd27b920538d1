/**
 * Trains every architecture the service builds on one TensorFlow.js backend, from the same
 * seeded initial weights and the same real data, so two backends can be compared: the check a
 * GPU worker must pass before its results can stand beside WASM's (`npm run gpu-probe`, and the
 * WebGPU parity tests). Dropout is off and batches are not shuffled: the only difference left
 * between two runs is the backend's arithmetic.
 */
import { readFileSync } from 'node:fs';
import * as tf from './tfjs.ts';
import { readImageArchive } from '../datasets/image-archive.ts';
import { buildDeepModel, lossFor } from '../models/architectures/index.ts';
import { deepModelSchema, type DeepInput, type DeepTask } from '../models/architectures/schemas.ts';
import { buildModel } from '../models/build-model.ts';
import { decodeImage } from '../preprocessing/images.ts';
import { TextVectorizer } from '../preprocessing/text-vectorizer.ts';
import { selectBackend } from './backend.ts';

/** The architectures checked: each family the service trains, with its custom layers. */
export const PARITY_ARCHITECTURES = ['mlp', 'cnn', 'rnn', 'lstm', 'gru', 'transformer'] as const;
export type ParityArchitecture = (typeof PARITY_ARCHITECTURES)[number];

/** Real data, read once: the 8x8 digits (pixels, or rows as time steps) and the topic texts. */
export interface ParityData {
  /** [n, 8, 8] pixels in [0, 1]. */
  digits: { pixels: Float32Array; labels: number[]; classes: number };
  topics: { tokens: number[][]; labels: number[]; classes: number; vocabSize: number; maxLength: number };
}

/** One architecture's run on one backend. */
export interface ParityRun {
  architecture: ParityArchitecture;
  backend: string;
  /** Training loss after each epoch. */
  losses: number[];
  /** Class probabilities for the first examples, flattened, after training. */
  probabilities: Float32Array;
  /** Wall time of `fit`, milliseconds. */
  fitMs: number;
  examples: number;
  epochs: number;
}

export interface ParityOptions {
  epochs: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  /** Use at most this many examples (the parity tests keep them few; the probe uses all). */
  limit?: number;
}

/** Reads the committed fixtures from the repository root. */
export async function loadParityData(root: URL): Promise<ParityData> {
  const archive = await readImageArchive(readFileSync(new URL('test/fixtures/images/digits.zip', root)));
  const labelNames = [...new Set(archive.images.map((image) => image.label))].sort();
  const pixels = new Float32Array(archive.images.length * 64);
  archive.images.forEach((image, n) => {
    const { data, width, height } = decodeImage(image.bytes);
    if (width !== 8 || height !== 8) throw new Error(`digit ${image.name} is ${width}x${height}, not 8x8`);
    for (let p = 0; p < 64; p++) pixels[n * 64 + p] = (data[p * 4] ?? 0) / 255;
  });
  const texts = readFileSync(new URL('test/fixtures/text/topics.ndjson', root), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { text: string; topic: string });
  const topicNames = [...new Set(texts.map((row) => row.topic))].sort();
  const vectorizer = TextVectorizer.fit(
    texts.map((row) => row.text),
    { maxTokens: 1000, maxLength: 16 },
  );
  return {
    digits: {
      pixels,
      labels: archive.images.map((image) => labelNames.indexOf(image.label)),
      classes: labelNames.length,
    },
    topics: {
      tokens: vectorizer.encodeBatch(texts.map((row) => row.text)),
      labels: texts.map((row) => topicNames.indexOf(row.topic)),
      classes: topicNames.length,
      vocabSize: vectorizer.vocabSize,
      maxLength: 16,
    },
  };
}

/** Selects `backend`, trains `architecture` on it, and reads the results back. */
export async function trainForParity(
  backend: 'webgpu' | 'wasm' | 'cpu' | 'tensorflow',
  architecture: ParityArchitecture,
  data: ParityData,
  options: ParityOptions,
): Promise<ParityRun> {
  const active = await selectBackend(backend);
  const { epochs, batchSize = 32, learningRate = 0.005, seed = 7 } = options;
  const { model, x, y, examples, task } = buildWorkload(architecture, data, seed, options.limit);
  try {
    model.compile({ optimizer: tf.train.adam(learningRate), loss: lossFor(task) });
    const started = performance.now();
    const history = await model.fit(x, y, { epochs, batchSize, shuffle: false, verbose: 0 });
    const fitMs = performance.now() - started;
    const probe = tf.tidy(() => model.predict(x.slice(0, Math.min(32, examples))) as tf.Tensor);
    const probabilities = (await probe.data()) as Float32Array;
    probe.dispose();
    return {
      architecture,
      backend: active,
      losses: history.history.loss as number[],
      probabilities,
      fitMs,
      examples,
      epochs,
    };
  } finally {
    tf.dispose([x, y]);
    model.dispose();
  }
}

/** How far two runs of one architecture drifted apart. */
export interface ParityGap {
  /** Largest relative difference of an epoch's loss. */
  loss: number;
  /** Largest absolute difference of a predicted probability. */
  probability: number;
}

export function parityGap(a: ParityRun, b: ParityRun): ParityGap {
  let loss = 0;
  a.losses.forEach((value, epoch) => {
    const other = b.losses[epoch] ?? Number.NaN;
    loss = Math.max(loss, Math.abs(value - other) / Math.max(Math.abs(other), 1e-6));
  });
  let probability = 0;
  a.probabilities.forEach((value, index) => {
    probability = Math.max(probability, Math.abs(value - (b.probabilities[index] ?? Number.NaN)));
  });
  // A NaN anywhere (a missing epoch, a diverged run) is a failure, never a pass.
  return {
    loss: Number.isNaN(loss) || a.losses.length !== b.losses.length ? Infinity : loss,
    probability: Number.isNaN(probability) ? Infinity : probability,
  };
}

/**
 * What float32 arithmetic in another order can explain after a few epochs: reductions on a GPU
 * sum in a different order than WASM's loops, so results agree to a few parts in ten thousand,
 * not bit for bit.
 */
export const PARITY_TOLERANCE: ParityGap = { loss: 5e-3, probability: 5e-3 };

function buildWorkload(architecture: ParityArchitecture, data: ParityData, seed: number, limit?: number) {
  const textual = architecture === 'transformer';
  const source = textual ? data.topics : data.digits;
  const examples = Math.min(limit ?? Infinity, source.labels.length);
  const task: DeepTask = { kind: 'classification', numClasses: source.classes };
  const y = tf.oneHot(tf.tensor1d(source.labels.slice(0, examples), 'int32'), source.classes).toFloat();
  if (architecture === 'mlp') {
    const x = tf.tensor2d(data.digits.pixels.subarray(0, examples * 64), [examples, 64]);
    const model = buildModel('mlp', { task: 'classification', inputWidth: 64, classes: source.classes }, seed, [
      { units: 64, activation: 'relu', dropout: 0 },
      { units: 64, activation: 'relu', dropout: 0 },
    ]);
    return { model, x, y, examples, task };
  }
  if (textual) {
    const { tokens, maxLength, vocabSize } = data.topics;
    const input: DeepInput = { kind: 'tokens', maxLength, vocabSize };
    const params = deepModelSchema.parse({ type: 'transformer', embedDim: 32, numHeads: 2, numBlocks: 1, dropout: 0 });
    const x = tf.tensor2d(tokens.slice(0, examples), [examples, maxLength], 'int32');
    return { model: buildDeepModel(params, input, task, { seed }), x, y, examples, task };
  }
  const pixels = data.digits.pixels.subarray(0, examples * 64);
  if (architecture === 'cnn') {
    const input: DeepInput = { kind: 'image', height: 8, width: 8, channels: 1 };
    const params = deepModelSchema.parse({
      type: 'cnn',
      convBlocks: [
        { filters: 32, kernelSize: 3 },
        { filters: 64, kernelSize: 3, pooling: 'none' },
      ],
      denseUnits: [64],
      denseDropout: 0,
    });
    const x = tf.tensor4d(pixels, [examples, 8, 8, 1]);
    return { model: buildDeepModel(params, input, task, { seed }), x, y, examples, task };
  }
  // The recurrent cells read each digit as 8 time steps of 8 pixels.
  const input: DeepInput = { kind: 'sequence', timesteps: 8, features: 8 };
  const params = deepModelSchema.parse({ type: architecture, units: [32], dropout: 0 });
  const x = tf.tensor3d(pixels, [examples, 8, 8]);
  return { model: buildDeepModel(params, input, task, { seed }), x, y, examples, task };
}
