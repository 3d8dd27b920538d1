import { tf } from '../../ml/backend.ts';
import { SeededRandom } from '../../ml/seeded-random.ts';
import type { Task } from '../../models/task.ts';
import type { EncodedSplit } from '../../preprocessing/tabular-preprocessing.ts';
import { DenseStack, denseLossOf } from './dense-stack.ts';
import { fitWith, runEpochs } from './epoch-loop.ts';
import type { FitResult, LoopOptions, TrainingHooks } from './epoch-loop.ts';
import { epochMetric, gatherRows, metricNames, sampleIndices } from './epoch-metrics.ts';
import type { EpochMetricSpec } from './epoch-metrics.ts';
import { createOptimizer, mix } from './gradient-step.ts';

// The loop's state and hooks live with the shared driver; re-exported for the job plumbing.
export type { CheckpointHooks, EpochReport, FitResult, LoopState, TrainingHooks } from './epoch-loop.ts';

/**
 * The tabular loop's hyperparameters; `task` and `classes` pick the loss. `targetScale` (the
 * regression target's standardisation) reports the per-epoch MAE in the target's units.
 */
export type FitOptions = LoopOptions & {
  task: Task;
  classes: number;
  targetScale?: { mean: number; std: number };
  /**
   * Train through TensorFlow.js's gradient tape even where the dense step (dense-stack.ts)
   * applies: for comparisons of the two.
   */
  tapeOnly?: boolean;
};

/**
 * The hand-written step for `model` where it applies: a plain dense stack trained with Adam on
 * a backend whose tensors live in host memory (wasm, cpu), where TensorFlow.js's per-kernel
 * cost dominates a small model's step. A GPU backend keeps TensorFlow.js.
 */
export function denseStackFor(model: tf.LayersModel, optimizer: tf.Optimizer, options: FitOptions) {
  if (options.tapeOnly || !['wasm', 'cpu'].includes(tf.getBackend())) return undefined;
  return DenseStack.of(model, denseLossOf(options.task, options.classes), options.l2, optimizer);
}

/**
 * Trains `model` with mini-batch gradient descent: a seeded shuffle each epoch, seeded dropout,
 * the chosen optimiser, an L2 penalty on kernels, and early stopping on validation loss that
 * restores the best weights. A custom loop rather than `model.fit` because fit shuffles with
 * Math.random and cannot be cancelled between batches. With `hooks.checkpoint` it hands out
 * its whole state every few epochs (and when preempted), and `hooks.resumeFrom` continues
 * from such a state to the same result as a run that was never interrupted. Plain dense
 * stacks on wasm/cpu take the hand-written step (dense-stack.ts), others TensorFlow.js's tape.
 */
export async function fitModel(
  model: tf.Sequential,
  train: EncodedSplit,
  validation: EncodedSplit | undefined,
  options: FitOptions,
  hooks: TrainingHooks = {},
): Promise<FitResult> {
  const xValidation =
    validation && validation.rows > 0 ? tf.tensor2d(validation.x, [validation.rows, validation.width]) : undefined;
  const yValidation = validation && xValidation ? targetTensor(validation, options) : undefined;
  const scale = options.targetScale;
  const spec: EpochMetricSpec =
    options.task === 'regression'
      ? { kind: 'mae', toTargetUnits: scale ? (v) => Array.from(v, (x) => x * scale.std + scale.mean) : undefined }
      : { kind: 'accuracy' };
  const trainSample = sampleIndices(train.rows);
  // Dropout by hand, seeded per (epoch, batch): see forward. The trailing 0 of the shuffle
  // seed keeps batch seeds (start + 1 >= 1) apart from shuffle seeds.
  const dropoutSeeds = (epoch: number, start: number) => {
    const batchRandom = new SeededRandom(mix(options.seed, epoch, start + 1));
    return model.layers.map(() => batchRandom.nextInt());
  };
  const common = {
    count: train.rows,
    shuffleSeed: (epoch: number) => mix(options.seed, epoch, 0),
    validationLoss:
      xValidation && yValidation
        ? () => tf.tidy(() => dataLoss(options, forward(model, xValidation), yValidation).dataSync()[0] ?? NaN)
        : undefined,
  };
  const optimizer = createOptimizer(options.optimizer, options.learningRate);
  const stack = denseStackFor(model, optimizer, options);
  // The metrics run the model after each epoch: on the dense stack's own forward pass where it
  // trains (a fraction of TensorFlow.js's cost for the same numbers), through the layers otherwise.
  const outputs = stack ? (split: EncodedSplit) => stack.predict(split.x, split.rows) : layerOutputs(model);
  const trainSplit = sampleOf(train, trainSample);
  const epochMetrics = () => {
    const names = metricNames(spec.kind);
    const metrics = { [names.train]: measure(trainSplit, spec, options, outputs) };
    if (validation && validation.rows > 0) metrics[names.validation] = measure(validation, spec, options, outputs);
    return metrics;
  };
  if (stack) {
    try {
      return await runEpochs(
        {
          model,
          optimizer,
          ...common,
          epochMetrics,
          trainBatch: (batch, epoch, start) => stack.stepRows(train.x, train.y, batch, dropoutSeeds(epoch, start)),
          flush: () => stack.flush(),
        },
        options,
        hooks,
      );
    } finally {
      tf.dispose([xValidation, yValidation]);
      optimizer.dispose();
    }
  }
  optimizer.dispose();
  const xTrain = tf.tensor2d(train.x, [train.rows, train.width]);
  const yTrain = targetTensor(train, options);
  return fitWith(
    model,
    xTrain,
    yTrain,
    options,
    hooks,
    (step) => ({
      ...common,
      epochMetrics,
      trainBatch: (batch, epoch, start) => {
        const seeds = dropoutSeeds(epoch, start);
        return step(batch, (xBatch, yBatch) => dataLoss(options, forward(model, xBatch, seeds), yBatch));
      },
    }),
    [xValidation, yValidation],
  );
}

/** Rows `indices` of an encoded split. */
function sampleOf(split: EncodedSplit, indices: number[]): EncodedSplit {
  if (indices.length === split.rows) return split;
  return {
    ...split,
    x: gatherRows(split.x, split.width, indices),
    y: Float32Array.from(indices, (row) => split.y[row]!),
    rows: indices.length,
  };
}

/** The model's outputs (no dropout) for a split's rows, `[rows, units]`. */
type SplitOutputs = (split: EncodedSplit) => Float32Array;

/** Outputs through the model's layers on TensorFlow.js. */
function layerOutputs(model: tf.Sequential): SplitOutputs {
  return (split) => {
    // Read outside tidy: tidy walks a typed array it returns element by element.
    const output = tf.tidy(() => forward(model, tf.tensor2d(split.x, [split.rows, split.width])));
    try {
      return output.dataSync() as Float32Array;
    } finally {
      output.dispose();
    }
  };
}

/** The epoch metric of the model's `outputs` on `split`, against its targets. */
function measure(split: EncodedSplit, spec: EpochMetricSpec, options: FitOptions, outputs: SplitOutputs): number {
  if (split.rows === 0) return NaN;
  const predicted = outputs(split);
  return epochMetric(spec, predicted, targetValues(split, options), predicted.length / split.rows);
}

/** targetTensor's values without a tensor: one-hot rows for several classes, the targets otherwise. */
function targetValues(split: EncodedSplit, options: FitOptions): Float32Array {
  if (!(options.task === 'classification' && options.classes > 2)) return split.y;
  const values = new Float32Array(split.rows * options.classes);
  for (let row = 0; row < split.rows; row++) {
    const label = Math.trunc(split.y[row]!);
    if (label >= 0 && label < options.classes) values[row * options.classes + label] = 1;
  }
  return values;
}

/**
 * Runs the sequential stack layer by layer. With `dropoutSeeds` (training), each Dropout layer
 * draws a fresh seeded mask; tfjs' own Dropout would reuse one fixed mask when given a seed,
 * and Math.random when not.
 */
export function forward(model: tf.Sequential, x: tf.Tensor, dropoutSeeds?: number[]): tf.Tensor {
  let output = x;
  model.layers.forEach((layer, index) => {
    if (layer.getClassName() === 'Dropout') {
      const rate = Number(layer.getConfig().rate);
      if (dropoutSeeds && rate > 0) output = tf.dropout(output, rate, undefined, dropoutSeeds[index]);
      return;
    }
    output = layer.apply(output) as tf.Tensor;
  });
  return output;
}

const EPSILON = 1e-7;

export function dataLoss(options: FitOptions, predicted: tf.Tensor, target: tf.Tensor): tf.Scalar {
  if (options.task === 'regression') return tf.mean(tf.square(tf.sub(predicted, target))) as tf.Scalar;
  const p = tf.clipByValue(predicted, EPSILON, 1 - EPSILON);
  if (options.classes === 2) {
    return tf.neg(
      tf.mean(tf.add(tf.mul(target, tf.log(p)), tf.mul(tf.sub(1, target), tf.log(tf.sub(1, p))))),
    ) as tf.Scalar;
  }
  return tf.neg(tf.mean(tf.sum(tf.mul(target, tf.log(p)), 1))) as tf.Scalar;
}

export function targetTensor(split: EncodedSplit, options: FitOptions): tf.Tensor {
  if (options.task === 'classification' && options.classes > 2) {
    return tf.tidy(() => tf.oneHot(tf.tensor1d(split.y, 'int32'), options.classes).toFloat());
  }
  return tf.tensor2d(split.y, [split.rows, 1]);
}
