import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { deepModelSchema, type DeepInput, type DeepTask } from './schemas.ts';
import { buildDeepModel, lossFor } from './index.ts';
import { TextVectorizer } from '../../preprocessing/text-vectorizer.ts';
import { selectBackend } from '../../ml/backend.ts';

interface Row {
  text: string;
  topic: string;
}

const TOPICS = ['cooking', 'space', 'sport'];
const TASK: DeepTask = { kind: 'classification', numClasses: TOPICS.length };
const rows = readFileSync(new URL('../../../test/fixtures/text/topics.ndjson', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as Row);
// Rows cycle sport, cooking, space; hold out every third triple (15 texts per topic).
const trainRows = rows.filter((_, i) => Math.floor(i / 3) % 3 !== 2);
const testRows = rows.filter((_, i) => Math.floor(i / 3) % 3 === 2);

let vectorizer: TextVectorizer;
let input: DeepInput;

/** Held-out accuracy of a model trained on the fitted vectorizer's ids, and the majority-class rate. */
async function evaluate(raw: unknown, epochs: number): Promise<{ accuracy: number; majority: number }> {
  const model = buildDeepModel(deepModelSchema.parse(raw), input, TASK, { seed: 1 });
  model.compile({ optimizer: tf.train.adam(0.01), loss: lossFor(TASK) });
  const x = tf.tensor2d(vectorizer.encodeBatch(trainRows.map((r) => r.text)));
  const y = tf
    .oneHot(
      trainRows.map((r) => TOPICS.indexOf(r.topic)),
      TOPICS.length,
    )
    .toFloat();
  await model.fit(x, y, { epochs, batchSize: 16, shuffle: false, verbose: 0 });
  const predicted = tf.tidy(
    () =>
      (model.predict(tf.tensor2d(vectorizer.encodeBatch(testRows.map((r) => r.text)))) as tf.Tensor)
        .argMax(-1)
        .arraySync() as number[],
  );
  const truth = testRows.map((r) => TOPICS.indexOf(r.topic));
  const counts = TOPICS.map((_, c) => truth.filter((t) => t === c).length);
  return {
    accuracy: predicted.reduce((hits, p, i) => hits + (p === truth[i] ? 1 : 0), 0) / truth.length,
    majority: Math.max(...counts) / truth.length,
  };
}

beforeAll(async () => {
  expect(await selectBackend('wasm')).toBe('wasm');
  // The vocabulary comes from the training texts only: held-out words fall into the OOV bucket.
  vectorizer = TextVectorizer.fit(
    trainRows.map((r) => r.text),
    { maxTokens: 1000, maxLength: 16 },
  );
  input = { kind: 'tokens', maxLength: 16, vocabSize: vectorizer.vocabSize };
});

describe('on short texts labelled by topic (90 to train, 45 held out)', () => {
  it('a 1-D CNN over token embeddings clearly beats the majority class', async () => {
    const { accuracy, majority } = await evaluate(
      {
        type: 'cnn',
        convBlocks: [{ filters: 16, kernelSize: 3 }],
        reduce: 'globalAverage',
        embeddingDim: 16,
        denseUnits: [],
      },
      30,
    );
    expect(majority).toBeCloseTo(1 / 3, 5);
    expect(accuracy).toBeGreaterThan(majority + 0.3);
  });

  it('a transformer encoder clearly beats the majority class', async () => {
    const { accuracy, majority } = await evaluate({ type: 'transformer', embedDim: 16, numHeads: 2, ffDim: 32 }, 20);
    expect(accuracy).toBeGreaterThan(majority + 0.25);
  });
});
