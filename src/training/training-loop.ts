import { tf } from '../ml/backend.ts';
import { SeededRandom } from '../ml/seeded-random.ts';
import type { OptimizerName } from '../models/model-spec.ts';
import type { Task } from '../models/task.ts';
import type { EncodedSplit } from '../preprocessing/tabular-preprocessing.ts';
import { TrainingCancelled } from './training-cancelled.ts';

/** What one finished epoch reports (epochs count from 1). */
export interface EpochReport {
  epoch: number;
  epochs: number;
  /** Mean training objective over the epoch's batches: data loss plus the L2 penalty. */
  loss: number;
  /** Data loss on the validation split, without dropout or penalty; absent without one. */
  valLoss?: number;
  /** The epoch with the lowest valLoss so far. */
  bestEpoch?: number;
  elapsedMs: number;
}

/** Callbacks from the loop: progress after each epoch, cancellation between batches. */
export interface TrainingHooks {
  onEpoch?(report: EpochReport): void | Promise<void>;
  /** Checked before every batch; returning true aborts with TrainingCancelled. */
  shouldStop?(): boolean | Promise<boolean>;
}

export interface FitOptions {
  task: Task;
  classes: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer: OptimizerName;
  l2: number;
  earlyStopping?: { patience: number; minDelta: number };
  seed: number;
}

export interface FitResult {
  history: EpochReport[];
  /** Epoch whose weights the model holds (the best one when early stopping restored them). */
  bestEpoch: number;
  stoppedEarly: boolean;
}

// Let a worker thread handle messages (progress, cancel requests) without a yield per batch.
const YIELD_EVERY_MS = 50;

/**
 * Trains `model` with mini-batch gradient descent: a seeded shuffle each epoch, seeded dropout,
 * the chosen optimiser, an L2 penalty on kernels, and early stopping on validation loss that
 * restores the best weights. A custom loop rather than `model.fit` because fit shuffles with
 * Math.random and cannot be cancelled between batches.
 */
export async function fitModel(model: tf.Sequential, train: EncodedSplit, validation: EncodedSplit | undefined, options: FitOptions, hooks: TrainingHooks = {}): Promise<FitResult> {
  const random = new SeededRandom(options.seed ^ 0x5bd1e995);
  const started = Date.now();
  let lastYield = started;
  const xTrain = tf.tensor2d(train.x, [train.rows, train.width]);
  const yTrain = targetTensor(train, options);
  const xValidation = validation && validation.rows > 0 ? tf.tensor2d(validation.x, [validation.rows, validation.width]) : undefined;
  const yValidation = validation && xValidation ? targetTensor(validation, options) : undefined;
  const optimizer = createOptimizer(options.optimizer, options.learningRate);
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const kernels = variables.filter((variable) => variable.name.includes('kernel'));
  const order = Array.from({ length: train.rows }, (_, index) => index);
  const history: EpochReport[] = [];
  let best: { loss: number; epoch: number; weights?: tf.Tensor[] } = { loss: Infinity, epoch: 0 };
  let stoppedEarly = false;
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      random.shuffle(order);
      let lossSum = 0;
      for (let start = 0; start < order.length; start += options.batchSize) {
        if (await hooks.shouldStop?.()) throw new TrainingCancelled(epoch);
        const batch = order.slice(start, start + options.batchSize);
        const dropoutSeeds = model.layers.map(() => random.nextInt());
        const cost = tf.tidy((): tf.Scalar => {
          const indices = tf.tensor1d(batch, 'int32');
          const xBatch = tf.gather(xTrain, indices);
          const yBatch = tf.gather(yTrain, indices);
          const objective = optimizer.minimize(
            () => {
              const data = dataLoss(options, forward(model, xBatch, dropoutSeeds), yBatch);
              if (options.l2 === 0 || kernels.length === 0) return data;
              return tf.add(data, tf.mul(options.l2, tf.addN(kernels.map((kernel) => tf.sum(tf.square(kernel))))));
            },
            true,
            variables,
          );
          if (!objective) throw new Error('The optimiser returned no cost');
          return objective;
        });
        lossSum += (cost.dataSync()[0] ?? NaN) * batch.length;
        cost.dispose();
        if (Date.now() - lastYield > YIELD_EVERY_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = Date.now();
        }
      }
      const report: EpochReport = { epoch, epochs: options.epochs, loss: lossSum / Math.max(1, train.rows), elapsedMs: Date.now() - started };
      if (xValidation && yValidation) {
        const valLoss = tf.tidy(() => dataLoss(options, forward(model, xValidation), yValidation).dataSync()[0] ?? NaN);
        report.valLoss = valLoss;
        if (valLoss < best.loss - (options.earlyStopping?.minDelta ?? 0)) {
          best.weights?.forEach((tensor) => tensor.dispose());
          // getWeights returns the live variables: clone, or the snapshot would keep changing.
          best = { loss: valLoss, epoch, weights: options.earlyStopping ? model.getWeights().map((tensor) => tensor.clone()) : undefined };
        }
        report.bestEpoch = best.epoch;
      }
      if (!Number.isFinite(report.loss)) throw new Error(`Training diverged at epoch ${epoch} (loss ${report.loss}); lower the learning rate.`);
      history.push(report);
      await hooks.onEpoch?.(report);
      if (options.earlyStopping && best.epoch > 0 && epoch - best.epoch >= options.earlyStopping.patience) {
        stoppedEarly = true;
        break;
      }
    }
    if (options.earlyStopping && best.weights) {
      model.setWeights(best.weights);
      return { history, bestEpoch: best.epoch, stoppedEarly };
    }
    return { history, bestEpoch: history.length, stoppedEarly };
  } finally {
    best.weights?.forEach((tensor) => tensor.dispose());
    tf.dispose([xTrain, yTrain, ...(xValidation ? [xValidation] : []), ...(yValidation ? [yValidation] : [])]);
    optimizer.dispose();
  }
}

/**
 * Runs the sequential stack layer by layer. With `dropoutSeeds` (training), each Dropout layer
 * draws a fresh seeded mask; tfjs' own Dropout would reuse one fixed mask when given a seed,
 * and Math.random when not.
 */
function forward(model: tf.Sequential, x: tf.Tensor, dropoutSeeds?: number[]): tf.Tensor {
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

function dataLoss(options: FitOptions, predicted: tf.Tensor, target: tf.Tensor): tf.Scalar {
  if (options.task === 'regression') return tf.mean(tf.square(tf.sub(predicted, target))) as tf.Scalar;
  const p = tf.clipByValue(predicted, EPSILON, 1 - EPSILON);
  if (options.classes === 2) {
    return tf.neg(tf.mean(tf.add(tf.mul(target, tf.log(p)), tf.mul(tf.sub(1, target), tf.log(tf.sub(1, p)))))) as tf.Scalar;
  }
  return tf.neg(tf.mean(tf.sum(tf.mul(target, tf.log(p)), 1))) as tf.Scalar;
}

function targetTensor(split: EncodedSplit, options: FitOptions): tf.Tensor {
  if (options.task === 'classification' && options.classes > 2) {
    return tf.tidy(() => tf.oneHot(tf.tensor1d(split.y, 'int32'), options.classes).toFloat());
  }
  return tf.tensor2d(split.y, [split.rows, 1]);
}

function createOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  switch (name) {
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'momentum':
      return tf.train.momentum(learningRate, 0.9);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate);
    case 'adam':
      return tf.train.adam(learningRate);
  }
}
