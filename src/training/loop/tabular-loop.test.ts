import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../../ml/backend.ts';
import { buildModel } from '../../models/build-model.ts';
import type { EncodedSplit } from '../../preprocessing/tabular-preprocessing.ts';
import { twoFeatureSplit } from '../../../test/support/synthetic-split.ts';
import { TrainingCancelled } from './training-cancelled.ts';
import { fitModel } from './tabular-loop.ts';
import type { FitOptions } from './tabular-loop.ts';

beforeAll(async () => {
  await selectBackend('auto');
});

/** y = 2·a − b + noise, a and b standard-ish uniform; `flip` negates y (a validation set that disagrees). */
const synthetic = (rows: number, seed: number, flip = false): EncodedSplit =>
  twoFeatureSplit(rows, seed, (a, b) => (flip ? -1 : 1) * (2 * a - b));

const options: FitOptions = {
  task: 'regression',
  classes: 1,
  epochs: 15,
  batchSize: 16,
  learningRate: 0.05,
  optimizer: 'adam',
  l2: 0,
  seed: 11,
};
const regressionModel = () => buildModel('linear', { task: 'regression', inputWidth: 2, classes: 1 }, 5);
const validationLoss = (model: tf.LayersModel, split: EncodedSplit) =>
  tf.tidy(
    () =>
      tf
        .mean(
          tf.square(
            tf.sub(
              model.predict(tf.tensor2d(split.x, [split.rows, 2])) as tf.Tensor,
              tf.tensor2d(split.y, [split.rows, 1]),
            ),
          ),
        )
        .dataSync()[0] as number,
  );

describe('fitModel', () => {
  it('reports every epoch with a falling loss and learns the coefficients', async () => {
    const reports: number[] = [];
    const model = regressionModel();
    const result = await fitModel(
      model,
      synthetic(200, 1),
      synthetic(50, 2),
      { ...options, epochs: 40 },
      { onEpoch: (report) => void reports.push(report.epoch) },
    );
    expect(reports).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(result.history.at(-1)!.loss).toBeLessThan(result.history[0]!.loss / 10);
    expect(result.history.at(-1)!.valLoss).toBeLessThan(0.01);
    const kernel = Array.from(model.getWeights()[0]!.dataSync());
    expect(kernel[0]).toBeCloseTo(2, 1);
    expect(kernel[1]).toBeCloseTo(-1, 1);
  });

  it('stops early on a worsening validation loss and restores the best weights', async () => {
    const model = regressionModel();
    const validation = synthetic(50, 2, true);
    const result = await fitModel(model, synthetic(200, 1), validation, {
      ...options,
      epochs: 50,
      earlyStopping: { patience: 3, minDelta: 0 },
    });
    expect(result.stoppedEarly).toBe(true);
    expect(result.history).toHaveLength(result.bestEpoch + 3);
    const best = result.history[result.bestEpoch - 1]!;
    expect(Math.min(...result.history.map((r) => r.valLoss!))).toBe(best.valLoss);
    // The model now holds the best epoch's weights, not the last epoch's.
    expect(validationLoss(model, validation)).toBeCloseTo(best.valLoss!, 4);
    expect(result.history.at(-1)!.valLoss!).toBeGreaterThan(best.valLoss!);
  });

  it('throws TrainingCancelled between batches and leaks no tensors', async () => {
    const model = regressionModel();
    const before = tf.memory().numTensors;
    let checks = 0;
    await expect(
      fitModel(model, synthetic(200, 1), synthetic(50, 2), options, { shouldStop: () => ++checks > 20 }),
    ).rejects.toBeInstanceOf(TrainingCancelled);
    // 200 rows in batches of 16 = 13 batches per epoch: the 21st check is in epoch 2.
    expect(checks).toBe(21);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('shrinks weights with an L2 penalty', async () => {
    const norm = async (l2: number) => {
      const model = regressionModel();
      await fitModel(model, synthetic(200, 1), undefined, { ...options, l2 });
      return Math.hypot(...model.getWeights()[0]!.dataSync());
    };
    expect(await norm(0.5)).toBeLessThan((await norm(0)) * 0.7);
  });

  it('reproduces an MLP with dropout exactly from the same seed', async () => {
    const run = async (seed: number) => {
      const model = buildModel('mlp', { task: 'regression', inputWidth: 2, classes: 1 }, seed, [
        { units: 8, activation: 'relu', dropout: 0.3 },
      ]);
      const result = await fitModel(model, synthetic(100, 1), synthetic(30, 2), {
        ...options,
        epochs: 5,
        optimizer: 'rmsprop',
        seed,
      });
      return {
        losses: result.history.map((r) => r.loss),
        weights: model.getWeights().flatMap((w) => Array.from(w.dataSync())),
      };
    };
    const first = await run(21);
    expect(await run(21)).toEqual(first);
    expect((await run(22)).weights).not.toEqual(first.weights);
  });
});
