/**
 * The training loop of deep models: like fitModel (tabular-loop.ts) — seeded shuffles,
 * the chosen optimiser, an L2 penalty on kernels, early stopping that restores the best
 * weights, progress per epoch and cancellation between batches, all from the shared driver
 * (epoch-loop.ts, gradient-step.ts) — but over N-D examples
 * (images, token ids, windows) and any functional LayersModel, which runs its own layers
 * (dropout included) through `apply(x, { training: true })`.
 *
 * It checkpoints and resumes as fitModel does (the same LoopState, so the same checkpoint
 * format and job plumbing): shuffles depend on (seed, epoch) alone and every dropout layer is
 * seeded, so a run resumed from a state reaches the weights an uninterrupted run reaches.
 */
import { tf } from '../../ml/backend.ts';
import { fitWith } from './epoch-loop.ts';
import type { FitResult, LoopOptions, TrainingHooks } from './epoch-loop.ts';
import { epochMetric, gatherRows, metricNames, sampleIndices } from './epoch-metrics.ts';
import type { EpochMetricSpec } from './epoch-metrics.ts';
import { mix } from './gradient-step.ts';
import { tidyData } from '../../ml/tensor-data.ts';

/** Examples in row-major order: `x` is `[count, ...shape]`, `y` is `[count, yWidth]`. */
export interface DeepExamples {
  x: Float32Array;
  y: Float32Array;
  count: number;
  /** Shape of one example. */
  shape: number[];
  yWidth: number;
}

/** The deep loop's hyperparameters; `loss` follows the task. */
export type DeepFitOptions = LoopOptions & {
  /** Softmax outputs against one-hot targets, or linear outputs against real values. */
  loss: 'categoricalCrossentropy' | 'meanSquaredError';
  /** Regression: scaled outputs back to the target's units, for the per-epoch MAE. */
  toTargetUnits?: (values: Float32Array) => ArrayLike<number>;
};

const EPSILON = 1e-7;
/** Examples per forward pass when predicting, so large splits never need one giant tensor. */
export const PREDICT_CHUNK = 256;

/** Trains `model` on `train` (see the file comment); returns the history and the epoch kept. */
export async function fitDeepModel(
  model: tf.LayersModel,
  train: DeepExamples,
  validation: DeepExamples | undefined,
  options: DeepFitOptions,
  hooks: TrainingHooks = {},
): Promise<FitResult> {
  const xTrain = tf.tensor(train.x, [train.count, ...train.shape]);
  const yTrain = tf.tensor2d(train.y, [train.count, train.yWidth]);
  const spec: EpochMetricSpec =
    options.loss === 'categoricalCrossentropy'
      ? { kind: 'accuracy' }
      : { kind: 'mae', toTargetUnits: options.toTargetUnits };
  const size = train.shape.reduce((a, b) => a * b, 1);
  const sample = sampleIndices(train.count);
  const trainSample = {
    x: gatherRows(train.x, size, sample),
    y: gatherRows(train.y, train.yWidth, sample),
    count: sample.length,
  };
  // The validation pass's outputs, kept for the epoch's metrics (read right after it).
  let validationOutputs: Float32Array | undefined;
  return fitWith(model, xTrain, yTrain, options, hooks, (step) => ({
    count: train.count,
    // Seeded from (seed, epoch) only; unlike the tabular loop's (seed, epoch, 0), kept as it was so
    // checkpoints written before the shared driver resume onto the same shuffles.
    shuffleSeed: (epoch) => mix(options.seed, epoch),
    // The model's own (seeded) dropout layers run with training: true; no masks by hand.
    trainBatch: (batch) =>
      step(batch, (xBatch, yBatch) =>
        dataLoss(options.loss, model.apply(xBatch, { training: true }) as tf.Tensor, yBatch),
      ),
    validationLoss:
      validation && validation.count > 0
        ? () => {
            validationOutputs = predictExamples(model, validation.x, validation.count, validation.shape);
            return lossOf(validationOutputs, validation, options.loss);
          }
        : undefined,
    epochMetrics: () => {
      const names = metricNames(spec.kind);
      const outputs = predictExamples(model, trainSample.x, trainSample.count, train.shape);
      const metrics = { [names.train]: epochMetric(spec, outputs, trainSample.y, train.yWidth) };
      if (validation && validationOutputs)
        metrics[names.validation] = epochMetric(spec, validationOutputs, validation.y, validation.yWidth);
      validationOutputs = undefined;
      return metrics;
    },
  }));
}

/** Model outputs for every example, `[count, outputs]` row-major, predicted in chunks. */
export function predictExamples(model: tf.LayersModel, x: Float32Array, count: number, shape: number[]): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const parts: Float32Array[] = [];
  for (let start = 0; start < count; start += PREDICT_CHUNK) {
    const n = Math.min(PREDICT_CHUNK, count - start);
    parts.push(
      tidyData(
        // One forward pass per chunk: predict's own default splits it into batches of 32, each
        // paying the layers' per-call cost again (a small CNN's epoch metric ran 8 times as many).
        () =>
          model.predict(tf.tensor(x.subarray(start * size, (start + n) * size), [n, ...shape]), {
            batchSize: PREDICT_CHUNK,
          }) as tf.Tensor,
      ),
    );
  }
  const out = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function lossOf(predicted: Float32Array, split: DeepExamples, loss: DeepFitOptions['loss']): number {
  return tf.tidy(
    () =>
      dataLoss(
        loss,
        tf.tensor2d(predicted, [split.count, split.yWidth]),
        tf.tensor2d(split.y, [split.count, split.yWidth]),
      ).dataSync()[0] ?? NaN,
  );
}

function dataLoss(loss: DeepFitOptions['loss'], predicted: tf.Tensor, target: tf.Tensor): tf.Scalar {
  if (loss === 'meanSquaredError') return tf.mean(tf.square(tf.sub(predicted, target))) as tf.Scalar;
  return tf.neg(
    tf.mean(tf.sum(tf.mul(target, tf.log(tf.clipByValue(predicted, EPSILON, 1 - EPSILON))), -1)),
  ) as tf.Scalar;
}
