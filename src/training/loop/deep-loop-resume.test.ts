import { beforeAll, describe, expect, it } from 'vitest';
import { buildDeepModel } from '../../models/architectures/index.ts';
import { cnnSchema } from '../../models/architectures/schemas.ts';
import { selectBackend, tf } from '../../ml/backend.ts';
import { SeededRandom } from '../../ml/seeded-random.ts';
import { fitDeepModel, type DeepExamples, type DeepFitOptions } from './deep-loop.ts';
import { decodeLoopState, disposeLoopState, encodeLoopState } from './checkpoint.ts';
import { TrainingPreempted } from './training-preempted.ts';

// The backend deep jobs train on in the worker, with its own embedding and conv-filter gradients.
beforeAll(async () => {
  expect(await selectBackend('wasm')).toBe('wasm');
});

const LENGTH = 8;
const VOCAB = 16;

/** Token sequences labelled by whether token 3 occurs more often than token 5: a text-like task. */
function tokens(count: number, seed: number): DeepExamples {
  const random = new SeededRandom(seed);
  const x = new Float32Array(count * LENGTH);
  const y = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) {
    let balance = 0;
    for (let t = 0; t < LENGTH; t++) {
      const token = 1 + (random.nextInt() % (VOCAB - 1));
      x[i * LENGTH + t] = token;
      balance += token === 3 ? 1 : token === 5 ? -1 : 0;
    }
    y[i * 2 + (balance > 0 ? 1 : 0)] = 1;
  }
  return { x, y, count, shape: [LENGTH], yWidth: 2 };
}

// Dropout in the dense head and early stopping (so the best weights travel in the checkpoint too).
const params = cnnSchema.parse({
  type: 'cnn',
  embeddingDim: 8,
  convBlocks: [{ filters: 8, kernelSize: 3, pooling: 'max' }],
  denseUnits: [8],
  denseDropout: 0.3,
});
const model = () =>
  buildDeepModel(
    params,
    { kind: 'tokens', maxLength: LENGTH, vocabSize: VOCAB },
    { kind: 'classification', numClasses: 2 },
    { seed: 4 },
  );
const options: DeepFitOptions = {
  loss: 'categoricalCrossentropy',
  epochs: 6,
  batchSize: 16,
  learningRate: 0.01,
  optimizer: 'adam',
  l2: 0.001,
  seed: 7,
  earlyStopping: { patience: 50, minDelta: 0 },
};
const train = tokens(100, 1);
const validation = tokens(30, 2);
const weightsOf = (m: tf.LayersModel) => m.getWeights().flatMap((w) => Array.from(w.dataSync()));

async function run(m: tf.LayersModel, hooks: Parameters<typeof fitDeepModel>[4] = {}) {
  try {
    const result = await fitDeepModel(m, train, validation, options, hooks);
    return {
      losses: result.history.map((r) => r.loss),
      valLosses: result.history.map((r) => r.valLoss),
      weights: weightsOf(m),
      bestEpoch: result.bestEpoch,
    };
  } finally {
    m.dispose();
  }
}

/** Continues in a freshly built model, as a new process would, from an encoded checkpoint. */
async function resumeFrom(encoded: Buffer) {
  const { state } = decodeLoopState(encoded);
  try {
    return { ...(await run(model(), { resumeFrom: state })), resumedAt: state.epoch };
  } finally {
    disposeLoopState(state);
  }
}

function expectSameRun(resumed: Awaited<ReturnType<typeof run>>, reference: Awaited<ReturnType<typeof run>>) {
  expect(resumed.losses).toHaveLength(reference.losses.length);
  resumed.losses.forEach((loss, i) => expect(loss).toBeCloseTo(reference.losses[i]!, 5));
  resumed.valLosses.forEach((loss, i) => expect(loss).toBeCloseTo(reference.valLosses[i]!, 5));
  expect(resumed.weights).toHaveLength(reference.weights.length);
  resumed.weights.forEach((weight, i) => expect(weight).toBeCloseTo(reference.weights[i]!, 5));
  expect(resumed.bestEpoch).toBe(reference.bestEpoch);
}

describe('deep loop checkpoint and resume (text CNN with dropout, adam, early stopping)', () => {
  let reference: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    reference = await run(model());
  });

  it('resumes from an epoch-boundary checkpoint to the losses and weights of an uninterrupted run', async () => {
    const saved: Buffer[] = [];
    const epochs: number[] = [];
    const checkpointed = await run(model(), {
      checkpoint: {
        everyEpochs: 2,
        everyMs: 3_600_000,
        save: async (state) => void (epochs.push(state.epoch), saved.push(await encodeLoopState(state))),
      },
    });
    // Checkpointing itself changes nothing; the states say "start epoch 3 / 5".
    expectSameRun(checkpointed, reference);
    expect(epochs).toEqual([3, 5]);
    const resumed = await resumeFrom(saved[0]!);
    expect(resumed.resumedAt).toBe(3);
    expectSameRun(resumed, reference);
  });

  it('checkpoints mid-epoch when preempted, frees its tensors, and resumes from that batch', async () => {
    let saved: Buffer | undefined;
    let checks = 0;
    const abandoned = model();
    const before = tf.memory().numTensors;
    // 100 examples in batches of 16 = 7 batches an epoch: the 17th check is batch 3 of epoch 3.
    const interrupted = fitDeepModel(abandoned, train, validation, options, {
      shouldPreempt: () => ++checks === 17,
      checkpoint: {
        everyEpochs: 1000,
        everyMs: 3_600_000,
        save: async (state) => void (saved = await encodeLoopState(state)),
      },
    });
    await expect(interrupted).rejects.toBeInstanceOf(TrainingPreempted);
    expect(tf.memory().numTensors).toBe(before);
    abandoned.dispose();
    const { state } = decodeLoopState(saved!);
    expect({
      epoch: state.epoch,
      batchStart: state.batchStart,
      finished: state.history.length,
      best: state.bestWeights?.length,
    }).toEqual({ epoch: 3, batchStart: 32, finished: 2, best: state.modelWeights.length });
    disposeLoopState(state);
    expectSameRun(await resumeFrom(saved!), reference);
  });
});
