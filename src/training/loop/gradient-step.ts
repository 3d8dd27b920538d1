/**
 * The optimiser step both training loops take on a batch: gather the batch's rows, minimise
 * the data loss plus an L2 penalty on kernels, and report the summed objective. The loops
 * differ only in the data loss they hand in (how the model is run, which loss).
 */
import { tf } from '../../ml/backend.ts';
import { loadGradients } from '../../ml/tfjs.ts';
import type { OptimizerName } from '../../models/model-spec.ts';
import { HostAdamOptimizer } from './host-adam.ts';

/** Data loss of a batch's predictions; runs inside the optimiser's gradient tape. */
export type BatchLoss = (xBatch: tf.Tensor, yBatch: tf.Tensor) => tf.Scalar;

/** One optimiser step on the examples at `batch`; returns the batch's objective times its size. */
export type BatchStep = (batch: number[], dataLoss: BatchLoss) => number;

/** One optimiser step on a batch already in tensors of `size` examples; returns its objective times `size`. */
export type TensorStep = (xBatch: tf.Tensor, yBatch: tf.Tensor, size: number, dataLoss: BatchLoss) => number;

/**
 * A step over `x` (`[count, ...]`, any rank) and `y`, updating `model`'s trainable weights with
 * `optimizer`. The variables are read once, as the loops always did, before the first step.
 */
export function createBatchStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  l2: number,
  x: tf.Tensor,
  y: tf.Tensor,
): BatchStep {
  const step = createTensorStep(model, optimizer, l2);
  return (batch, dataLoss) =>
    tf.tidy(() => {
      const indices = tf.tensor1d(batch, 'int32');
      return step(tf.gather(x, indices), tf.gather(y, indices), batch.length, dataLoss);
    });
}

/**
 * The step of createBatchStep on batches that arrive as tensors (a streamed table): minimises
 * the data loss plus the L2 penalty on kernels. The caller owns the batch tensors.
 */
export function createTensorStep(model: tf.LayersModel, optimizer: tf.Optimizer, l2: number): TensorStep {
  loadGradients();
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const kernels = variables.filter((variable) => variable.name.includes('kernel'));
  return (xBatch, yBatch, size, dataLoss) => {
    const cost = tf.tidy((): tf.Scalar => {
      const objective = optimizer.minimize(
        () => {
          const data = dataLoss(xBatch, yBatch);
          if (l2 === 0 || kernels.length === 0) return data;
          return tf.add(data, tf.mul(l2, tf.addN(kernels.map((kernel) => tf.sum(tf.square(kernel))))));
        },
        true,
        variables,
      );
      if (!objective) throw new Error('The optimiser returned no cost');
      return objective;
    });
    try {
      return (cost.dataSync()[0] ?? NaN) * size;
    } finally {
      cost.dispose();
    }
  };
}

/**
 * The named optimiser at `learningRate` (momentum 0.9; tfjs defaults otherwise). Where tensors
 * live in host memory (wasm, cpu), Adam updates in JavaScript (host-adam.ts): same numbers,
 * no kernels; a GPU backend keeps tfjs's, which would otherwise copy every weight each step.
 */
export function createOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  switch (name) {
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'momentum':
      return tf.train.momentum(learningRate, 0.9);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate);
    case 'adam':
      return ['wasm', 'cpu'].includes(tf.getBackend())
        ? new HostAdamOptimizer(learningRate)
        : tf.train.adam(learningRate);
  }
}

/** Mixes integers into one 32-bit seed (murmur3's finaliser over a running hash). */
export function mix(...values: number[]): number {
  let hash = 0x5bd1e995;
  for (const value of values) {
    hash = Math.imul(hash ^ (value >>> 0), 0x85ebca6b);
    hash ^= hash >>> 13;
    hash = Math.imul(hash, 0xc2b2ae35);
    hash ^= hash >>> 16;
  }
  return hash >>> 0;
}
