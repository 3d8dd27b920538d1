import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../../ml/backend.ts';
import { buildModel } from '../../models/build-model.ts';
import { twoFeatureSplit } from '../../../test/support/synthetic-split.ts';
import { decodeLoopState, disposeLoopState, encodeLoopState } from './checkpoint.ts';
import { fitModel, type FitOptions, type LoopState } from './tabular-loop.ts';
import { TrainingPreempted } from './training-preempted.ts';

beforeAll(async () => {
  await selectBackend('auto');
});

const options: FitOptions = {
  task: 'regression',
  classes: 1,
  epochs: 12,
  batchSize: 16,
  learningRate: 0.01,
  optimizer: 'adam',
  l2: 0.001,
  seed: 5,
  earlyStopping: { patience: 50, minDelta: 0 },
};
const model = () =>
  buildModel('mlp', { task: 'regression', inputWidth: 2, classes: 1 }, 9, [
    { units: 8, activation: 'relu', dropout: 0.2 },
  ]);
const weightsOf = (m: tf.LayersModel) => m.getWeights().flatMap((w) => Array.from(w.dataSync()));
// y = a·b plus noise.
const train = twoFeatureSplit(150, 1, (a, b) => a * b);
const validation = twoFeatureSplit(40, 2, (a, b) => a * b);

/** Trains once without interruption: the reference every resumed run must reproduce. */
async function uninterrupted() {
  const m = model();
  const result = await fitModel(m, train, validation, options);
  return { losses: result.history.map((r) => r.loss), weights: weightsOf(m), bestEpoch: result.bestEpoch };
}

/** Resumes a fresh model (as a new process would build it) from an encoded checkpoint. */
async function resumeFrom(encoded: Buffer) {
  const { state } = decodeLoopState(encoded);
  const m = model();
  try {
    const result = await fitModel(m, train, validation, options, { resumeFrom: state });
    return {
      losses: result.history.map((r) => r.loss),
      weights: weightsOf(m),
      bestEpoch: result.bestEpoch,
      resumedAt: state.epoch,
    };
  } finally {
    disposeLoopState(state);
  }
}

describe('checkpoint and resume', () => {
  it('resumes from an epoch-boundary checkpoint to the same model an uninterrupted run trains', async () => {
    const reference = await uninterrupted();
    const saved: Buffer[] = [];
    const epochs: number[] = [];
    await fitModel(model(), train, validation, options, {
      checkpoint: {
        everyEpochs: 5,
        everyMs: 3_600_000,
        save: async (state: LoopState) => void (epochs.push(state.epoch), saved.push(await encodeLoopState(state))),
      },
    });
    // After epochs 5 and 10: the states say "start epoch 6 / 11".
    expect(epochs).toEqual([6, 11]);
    const resumed = await resumeFrom(saved[0]!);
    expect(resumed.resumedAt).toBe(6);
    expect(resumed.losses).toHaveLength(12);
    resumed.losses.forEach((loss, index) => expect(loss).toBeCloseTo(reference.losses[index]!, 5));
    resumed.weights.forEach((weight, index) => expect(weight).toBeCloseTo(reference.weights[index]!, 5));
    expect(resumed.bestEpoch).toBe(reference.bestEpoch);
  });

  it('checkpoints mid-epoch when preempted and resumes from that batch', async () => {
    const reference = await uninterrupted();
    let saved: Buffer | undefined;
    let checks = 0;
    const abandoned = model();
    const before = tf.memory().numTensors;
    // 150 rows in batches of 16 = 10 batches per epoch: the 25th check is batch 5 of epoch 3.
    const run = fitModel(abandoned, train, validation, options, {
      shouldPreempt: () => ++checks === 25,
      checkpoint: {
        everyEpochs: 1000,
        everyMs: 3_600_000,
        save: async (state) => void (saved = await encodeLoopState(state)),
      },
    });
    await expect(run).rejects.toBeInstanceOf(TrainingPreempted);
    expect(tf.memory().numTensors).toBe(before);
    const { state } = decodeLoopState(saved!);
    expect({ epoch: state.epoch, batchStart: state.batchStart, finished: state.history.length }).toEqual({
      epoch: 3,
      batchStart: 64,
      finished: 2,
    });
    disposeLoopState(state);
    const resumed = await resumeFrom(saved!);
    resumed.losses.forEach((loss, index) => expect(loss).toBeCloseTo(reference.losses[index]!, 5));
    resumed.weights.forEach((weight, index) => expect(weight).toBeCloseTo(reference.weights[index]!, 5));
  });
});
