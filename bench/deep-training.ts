/**
 * CNN training throughput, WASM backend (with the training kernels from src/ml) against the
 * plain JavaScript CPU backend, on the same small 28x28 CNN and the same synthetic batches.
 *   npx tsx bench/deep-training.ts
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { deepModelSchema } from '../src/models/architectures/schemas.ts';
import { buildDeepModel, lossFor } from '../src/models/architectures/index.ts';
import { TextVectorizer } from '../src/preprocessing/text-vectorizer.ts';
import { selectBackend } from '../src/ml/backend.ts';

/** Throughput of one backend. */
export interface BackendThroughput {
  backend: string;
  imagesPerSecond: number;
  batches: number;
  batchSize: number;
  seconds: number;
}

/** What {@link benchDeepTraining} measures. */
export interface DeepTrainingBench {
  model: string;
  wasm: BackendThroughput;
  cpu: BackendThroughput;
  /** wasm images/s divided by cpu images/s. */
  speedup: number;
}

const TASK = { kind: 'classification', numClasses: 10 } as const;
const PARAMS = deepModelSchema.parse({
  type: 'cnn',
  convBlocks: [
    { filters: 8, kernelSize: 3 },
    { filters: 16, kernelSize: 3 },
  ],
  denseUnits: [32],
  denseDropout: 0.25,
});

async function measure(backend: 'wasm' | 'cpu', batches: number, batchSize: number): Promise<BackendThroughput> {
  await selectBackend(backend);
  const model = buildDeepModel(PARAMS, { kind: 'image', height: 28, width: 28, channels: 1 }, TASK, { seed: 1 });
  model.compile({ optimizer: tf.train.adam(0.001), loss: lossFor(TASK) });
  const x = tf.randomUniform([batchSize, 28, 28, 1], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([batchSize], 0, 10, 'int32', 2), 10).toFloat();
  await model.trainOnBatch(x, y); // warm-up: kernel setup and weight initialisation are not timed
  const start = performance.now();
  for (let i = 0; i < batches; i++) await model.trainOnBatch(x, y);
  const seconds = (performance.now() - start) / 1000;
  tf.dispose([x, y]);
  model.dispose();
  return { backend, imagesPerSecond: (batches * batchSize) / seconds, batches, batchSize, seconds };
}

/**
 * Trains the CNN for `wasmBatches` (resp. `cpuBatches`, fewer because it is ~100x slower)
 * batches on each backend and returns images per second. Leaves 'wasm' as the active backend.
 */
export async function benchDeepTraining(
  options: { batchSize?: number; wasmBatches?: number; cpuBatches?: number } = {},
): Promise<DeepTrainingBench> {
  const batchSize = options.batchSize ?? 32;
  const cpu = await measure('cpu', options.cpuBatches ?? 2, batchSize);
  const wasm = await measure('wasm', options.wasmBatches ?? 20, batchSize);
  return {
    model: 'cnn 28x28x1: conv8-pool-conv16-pool-dense32-softmax10',
    wasm,
    cpu,
    speedup: wasm.imagesPerSecond / cpu.imagesPerSecond,
  };
}

/** What {@link benchTextTraining} measures: training rows (texts) per second of each text model. */
export interface TextTrainingBench {
  dataset: string;
  maxLength: number;
  batchSize: number;
  models: { model: string; backend: string; rowsPerSecond: number; batches: number; seconds: number }[];
}

const TEXT_MODELS = [
  { type: 'transformer', embedDim: 32, numHeads: 2, ffDim: 64 },
  { type: 'lstm', units: [32] },
  {
    type: 'cnn',
    convBlocks: [{ filters: 32, kernelSize: 3, pooling: 'none' }],
    reduce: 'globalAverage',
    denseUnits: [],
  },
] as const;

/**
 * Text-model training throughput on WASM: the topic sentences of test/fixtures/text tokenised
 * to `maxLength` ids, `batches` training steps per model (after one untimed warm-up step).
 */
export async function benchTextTraining(
  options: { batchSize?: number; batches?: number; maxLength?: number } = {},
): Promise<TextTrainingBench> {
  const batchSize = options.batchSize ?? 32;
  const batches = options.batches ?? 20;
  const maxLength = options.maxLength ?? 32;
  await selectBackend('wasm');
  const rows = readFileSync(new URL('../test/fixtures/text/topics.ndjson', import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { text: string; topic: string });
  const topics = [...new Set(rows.map((r) => r.topic))].sort();
  const vectorizer = TextVectorizer.fit(
    rows.map((r) => r.text),
    { maxTokens: 2000, maxLength },
  );
  const batch = Array.from({ length: batchSize }, (_, i) => rows[i % rows.length]!);
  const task = { kind: 'classification', numClasses: topics.length } as const;
  const models: TextTrainingBench['models'] = [];
  for (const raw of TEXT_MODELS) {
    const model = buildDeepModel(
      deepModelSchema.parse(raw),
      { kind: 'tokens', maxLength, vocabSize: vectorizer.vocabSize },
      task,
      { seed: 1 },
    );
    model.compile({ optimizer: tf.train.adam(0.001), loss: lossFor(task) });
    const x = tf.tensor2d(vectorizer.encodeBatch(batch.map((r) => r.text)));
    const y = tf
      .oneHot(
        batch.map((r) => topics.indexOf(r.topic)),
        topics.length,
      )
      .toFloat();
    await model.trainOnBatch(x, y);
    const start = performance.now();
    for (let i = 0; i < batches; i++) await model.trainOnBatch(x, y);
    const seconds = (performance.now() - start) / 1000;
    tf.dispose([x, y]);
    model.dispose();
    models.push({
      model: raw.type,
      backend: tf.getBackend(),
      rowsPerSecond: (batches * batchSize) / seconds,
      batches,
      seconds,
    });
  }
  return {
    dataset: `topics.ndjson (${rows.length} sentences, ${vectorizer.vocabSize} ids)`,
    maxLength,
    batchSize,
    models,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchDeepTraining();
  console.log(`CNN training (${result.model}), batch ${result.wasm.batchSize}:`);
  for (const r of [result.wasm, result.cpu])
    console.log(
      `  ${r.backend.padEnd(5)} ${r.imagesPerSecond.toFixed(1).padStart(9)} images/s  ` +
        `(${r.batches} batches in ${r.seconds.toFixed(2)} s)`,
    );
  console.log(`  speed-up wasm/cpu: ${result.speedup.toFixed(1)}x`);
  const text = await benchTextTraining();
  console.log(`Text-model training on ${text.dataset}, ${text.maxLength} tokens, batch ${text.batchSize}:`);
  for (const m of text.models)
    console.log(
      `  ${m.model.padEnd(11)} ${m.backend.padEnd(5)} ${m.rowsPerSecond.toFixed(1).padStart(9)} rows/s  ` +
        `(${m.batches} batches in ${m.seconds.toFixed(2)} s)`,
    );
}
