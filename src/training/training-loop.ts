import { tf } from '../ml/backend.ts';
import { SeededRandom } from '../ml/seeded-random.ts';
import type { OptimizerName } from '../models/model-spec.ts';
import type { Task } from '../models/task.ts';
import type { EncodedSplit } from '../preprocessing/tabular-preprocessing.ts';
import { TrainingCancelled } from './training-cancelled.ts';
import { TrainingPreempted } from './training-preempted.ts';

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

/**
 * Everything the loop needs to continue exactly where it was, taken at a batch boundary.
 * Shuffles and dropout masks are pure functions of (seed, epoch, batch), so no random
 * generator state is part of it. Tensors belong to whoever made the state: the loop's
 * own snapshots are only valid during `save`, and a restored state is read, not kept.
 */
export interface LoopState {
  /** The epoch in progress, from 1. */
  epoch: number;
  /** Offset of the next batch within the epoch's order; 0 when the epoch has not started. */
  batchStart: number;
  /** Sum of batch losses (times batch size) so far in this epoch. */
  lossSum: number;
  /** Reports of the finished epochs. */
  history: EpochReport[];
  /** Lowest validation loss so far (null: none yet) and its epoch. */
  best: { loss: number | null; epoch: number };
  /** `model.getWeights()` order. */
  modelWeights: tf.Tensor[];
  /** `optimizer.getWeights()`: the iteration count first, then the slots per variable. */
  optimizerWeights: Array<{ name: string; tensor: tf.Tensor }>;
  /** The best epoch's weights, kept when early stopping will restore them. */
  bestWeights?: tf.Tensor[];
  /** Training time spent before this state, across earlier attempts. */
  elapsedMs: number;
}

/** When and where the loop hands out its state. */
export interface CheckpointHooks {
  /** Save after every this many epochs ... */
  everyEpochs: number;
  /** ... or after the first epoch that ends this long after the last save. */
  everyMs: number;
  /** Persists the state; must not dispose or keep its tensors. */
  save(state: LoopState): Promise<void>;
}

/** Callbacks from the loop: progress after each epoch, cancellation between batches. */
export interface TrainingHooks {
  onEpoch?(report: EpochReport): void | Promise<void>;
  /** Checked before every batch; returning true aborts with TrainingCancelled. */
  shouldStop?(): boolean | Promise<boolean>;
  /** Checked before every batch; true saves a checkpoint there and aborts with TrainingPreempted. */
  shouldPreempt?(): boolean;
  checkpoint?: CheckpointHooks;
  /** Continue from this state instead of from epoch 1. */
  resumeFrom?: LoopState;
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
 * Math.random and cannot be cancelled between batches. With `hooks.checkpoint` it hands out
 * its whole state every few epochs (and when preempted), and `hooks.resumeFrom` continues
 * from such a state to the same result as a run that was never interrupted.
 */
export async function fitModel(model: tf.Sequential, train: EncodedSplit, validation: EncodedSplit | undefined, options: FitOptions, hooks: TrainingHooks = {}): Promise<FitResult> {
  const started = Date.now();
  let lastYield = started;
  const xTrain = tf.tensor2d(train.x, [train.rows, train.width]);
  const yTrain = targetTensor(train, options);
  const xValidation = validation && validation.rows > 0 ? tf.tensor2d(validation.x, [validation.rows, validation.width]) : undefined;
  const yValidation = validation && xValidation ? targetTensor(validation, options) : undefined;
  const optimizer = createOptimizer(options.optimizer, options.learningRate);
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const kernels = variables.filter((variable) => variable.name.includes('kernel'));
  const resume = hooks.resumeFrom;
  const history: EpochReport[] = resume ? [...resume.history] : [];
  let best: { loss: number; epoch: number; weights?: tf.Tensor[] } = { loss: resume?.best.loss ?? Infinity, epoch: resume?.best.epoch ?? 0 };
  const elapsedBefore = resume?.elapsedMs ?? 0;
  const elapsed = () => elapsedBefore + Date.now() - started;
  let lastCheckpoint = Date.now();
  let stoppedEarly = false;
  try {
    if (resume) {
      model.setWeights(resume.modelWeights);
      await optimizer.setWeights(resume.optimizerWeights);
      if (resume.bestWeights) best.weights = resume.bestWeights.map((tensor) => tensor.clone());
    }
    const snapshot = async (epoch: number, batchStart: number, lossSum: number) => {
      const optimizerWeights = await optimizer.getWeights();
      try {
        await hooks.checkpoint?.save({
          epoch, batchStart, lossSum, history: [...history], best: { loss: Number.isFinite(best.loss) ? best.loss : null, epoch: best.epoch },
          modelWeights: model.getWeights(), optimizerWeights, bestWeights: best.weights, elapsedMs: elapsed(),
        });
      } finally {
        // getWeights hands out the live slot variables plus a fresh iteration-count scalar.
        optimizerWeights.forEach(({ tensor }) => tensor instanceof tf.Variable || tensor.dispose());
      }
      lastCheckpoint = Date.now();
    };
    for (let epoch = resume?.epoch ?? 1; epoch <= options.epochs; epoch++) {
      const resuming = resume && epoch === resume.epoch;
      const order = epochOrder(train.rows, options.seed, epoch);
      let lossSum = resuming ? resume.lossSum : 0;
      for (let start = resuming ? resume.batchStart : 0; start < order.length; start += options.batchSize) {
        if (await hooks.shouldStop?.()) throw new TrainingCancelled(epoch);
        if (hooks.shouldPreempt?.()) {
          await snapshot(epoch, start, lossSum);
          throw new TrainingPreempted(epoch);
        }
        const batch = order.slice(start, start + options.batchSize);
        const batchRandom = new SeededRandom(mix(options.seed, epoch, start + 1));
        const dropoutSeeds = model.layers.map(() => batchRandom.nextInt());
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
      const report: EpochReport = { epoch, epochs: options.epochs, loss: lossSum / Math.max(1, train.rows), elapsedMs: elapsed() };
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
      const due = epoch % (hooks.checkpoint?.everyEpochs ?? Infinity) === 0 || Date.now() - lastCheckpoint >= (hooks.checkpoint?.everyMs ?? Infinity);
      if (hooks.checkpoint && due && epoch < options.epochs) await snapshot(epoch + 1, 0, 0);
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
 * The epoch's visiting order: the identity shuffled by a generator seeded from (seed, epoch)
 * alone, so a resumed run visits the same rows in the same order as an uninterrupted one.
 */
function epochOrder(rows: number, seed: number, epoch: number): number[] {
  return new SeededRandom(mix(seed, epoch, 0)).shuffle(Array.from({ length: rows }, (_, index) => index));
}

/** Mixes integers into one 32-bit seed (murmur3's finaliser over a running hash). */
function mix(...values: number[]): number {
  let hash = 0x5bd1e995;
  for (const value of values) {
    hash = Math.imul(hash ^ (value >>> 0), 0x85ebca6b);
    hash ^= hash >>> 13;
    hash = Math.imul(hash, 0xc2b2ae35);
    hash ^= hash >>> 16;
  }
  return hash >>> 0;
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
