/**
 * The training loop of deep models: like fitModel (training-loop.ts) — seeded shuffles,
 * the chosen optimiser, an L2 penalty on kernels, early stopping that restores the best
 * weights, progress per epoch and cancellation between batches — but over N-D examples
 * (images, token ids, windows) and any functional LayersModel, which runs its own layers
 * (dropout included) through `apply(x, { training: true })`.
 *
 * It checkpoints and resumes as fitModel does (the same LoopState, so the same checkpoint
 * format and job plumbing): shuffles depend on (seed, epoch) alone and every dropout layer is
 * seeded, so a run resumed from a state reaches the weights an uninterrupted run reaches.
 */
import { tf } from '../ml/backend.ts';
import { SeededRandom } from '../ml/seeded-random.ts';
import type { OptimizerName } from '../models/model-spec.ts';
import { TrainingCancelled } from './training-cancelled.ts';
import type { EpochReport, FitResult, TrainingHooks } from './training-loop.ts';
import { TrainingPreempted } from './training-preempted.ts';

/** Examples in row-major order: `x` is `[count, ...shape]`, `y` is `[count, yWidth]`. */
export interface DeepExamples {
  x: Float32Array;
  y: Float32Array;
  count: number;
  /** Shape of one example. */
  shape: number[];
  yWidth: number;
}

export interface DeepFitOptions {
  /** Softmax outputs against one-hot targets, or linear outputs against real values. */
  loss: 'categoricalCrossentropy' | 'meanSquaredError';
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer: OptimizerName;
  l2: number;
  earlyStopping?: { patience: number; minDelta: number };
  seed: number;
}

const YIELD_EVERY_MS = 50;
const EPSILON = 1e-7;
/** Examples per forward pass when predicting, so large splits never need one giant tensor. */
export const PREDICT_CHUNK = 256;

/** Trains `model` on `train` (see the file comment); returns the history and the epoch kept. */
export async function fitDeepModel(model: tf.LayersModel, train: DeepExamples, validation: DeepExamples | undefined, options: DeepFitOptions, hooks: TrainingHooks = {}): Promise<FitResult> {
  const started = Date.now();
  let lastYield = started;
  const xTrain = tf.tensor(train.x, [train.count, ...train.shape]);
  const yTrain = tf.tensor2d(train.y, [train.count, train.yWidth]);
  const optimizer = createOptimizer(options.optimizer, options.learningRate);
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const kernels = variables.filter((variable) => variable.name.includes('kernel'));
  const resume = hooks.resumeFrom;
  const history: EpochReport[] = resume ? [...resume.history] : [];
  let best: { loss: number; epoch: number; weights?: tf.Tensor[] } = { loss: resume?.best.loss ?? Infinity, epoch: resume?.best.epoch ?? 0 };
  const elapsed = () => (resume?.elapsedMs ?? 0) + Date.now() - started;
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
      const resuming = resume !== undefined && epoch === resume.epoch;
      const order = new SeededRandom(mix(options.seed, epoch)).shuffle(Array.from({ length: train.count }, (_, i) => i));
      let lossSum = resuming ? resume.lossSum : 0;
      for (let start = resuming ? resume.batchStart : 0; start < order.length; start += options.batchSize) {
        if (await hooks.shouldStop?.()) throw new TrainingCancelled(epoch);
        if (hooks.shouldPreempt?.()) {
          await snapshot(epoch, start, lossSum);
          throw new TrainingPreempted(epoch);
        }
        lossSum += trainBatch(model, optimizer, variables, kernels, xTrain, yTrain, order.slice(start, start + options.batchSize), options);
        if (Date.now() - lastYield > YIELD_EVERY_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = Date.now();
        }
      }
      const report: EpochReport = { epoch, epochs: options.epochs, loss: lossSum / Math.max(1, train.count), elapsedMs: elapsed() };
      if (validation && validation.count > 0) {
        const valLoss = validationLoss(model, validation, options.loss);
        report.valLoss = valLoss;
        if (valLoss < best.loss - (options.earlyStopping?.minDelta ?? 0)) {
          best.weights?.forEach((tensor) => tensor.dispose());
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
    tf.dispose([xTrain, yTrain]);
    optimizer.dispose();
  }
}

/** One optimiser step on the examples at `batch`; returns the batch's summed objective. */
function trainBatch(model: tf.LayersModel, optimizer: tf.Optimizer, variables: tf.Variable[], kernels: tf.Variable[], xTrain: tf.Tensor, yTrain: tf.Tensor, batch: number[], options: DeepFitOptions): number {
  const cost = tf.tidy((): tf.Scalar => {
    const indices = tf.tensor1d(batch, 'int32');
    const xBatch = tf.gather(xTrain, indices);
    const yBatch = tf.gather(yTrain, indices);
    const objective = optimizer.minimize(
      () => {
        const data = dataLoss(options.loss, model.apply(xBatch, { training: true }) as tf.Tensor, yBatch);
        if (options.l2 === 0 || kernels.length === 0) return data;
        return tf.add(data, tf.mul(options.l2, tf.addN(kernels.map((kernel) => tf.sum(tf.square(kernel))))));
      },
      true,
      variables,
    );
    if (!objective) throw new Error('The optimiser returned no cost');
    return objective;
  });
  try {
    return (cost.dataSync()[0] ?? NaN) * batch.length;
  } finally {
    cost.dispose();
  }
}

/** Model outputs for every example, `[count, outputs]` row-major, predicted in chunks. */
export function predictExamples(model: tf.LayersModel, x: Float32Array, count: number, shape: number[]): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const parts: Float32Array[] = [];
  for (let start = 0; start < count; start += PREDICT_CHUNK) {
    const n = Math.min(PREDICT_CHUNK, count - start);
    parts.push(tf.tidy(() => (model.predict(tf.tensor(x.subarray(start * size, (start + n) * size), [n, ...shape])) as tf.Tensor).dataSync() as Float32Array));
  }
  const out = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function validationLoss(model: tf.LayersModel, split: DeepExamples, loss: DeepFitOptions['loss']): number {
  const predicted = predictExamples(model, split.x, split.count, split.shape);
  return tf.tidy(() => dataLoss(loss, tf.tensor2d(predicted, [split.count, split.yWidth]), tf.tensor2d(split.y, [split.count, split.yWidth])).dataSync()[0] ?? NaN);
}

function dataLoss(loss: DeepFitOptions['loss'], predicted: tf.Tensor, target: tf.Tensor): tf.Scalar {
  if (loss === 'meanSquaredError') return tf.mean(tf.square(tf.sub(predicted, target))) as tf.Scalar;
  return tf.neg(tf.mean(tf.sum(tf.mul(target, tf.log(tf.clipByValue(predicted, EPSILON, 1 - EPSILON))), -1))) as tf.Scalar;
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
