/**
 * Models over flattened windows `[timesteps, features]`: the MLP forecaster, and two linear
 * maps whose weights are set rather than trained — the autoregressive linear model (fitted by
 * least squares) and the seasonal-naive forecast (each step the value a season earlier). As
 * plain dense layers they are saved, loaded and served like any other model.
 */
import * as tf from '../../ml/tfjs.ts';
import type { LinearFit } from '../../ml/least-squares.ts';
import type { HiddenLayerSpec } from '../model-spec.ts';
import { denseHead, LayerSeeds } from './model-head.ts';
import type { DeepTask } from './schemas.ts';

/** Dense layers over the flattened input: a series window, or an image's pixels (images.ts). */
export function buildFlatMlp(
  hiddenLayers: readonly HiddenLayerSpec[],
  shape: readonly number[],
  task: DeepTask,
  seed: number,
): tf.LayersModel {
  const seeds = new LayerSeeds({ seed });
  const inputs = tf.input({ shape: [...shape] });
  let x = tf.layers.flatten().apply(inputs) as tf.SymbolicTensor;
  for (const layer of hiddenLayers) {
    x = tf.layers
      .dense({ units: layer.units, activation: layer.activation, kernelInitializer: seeds.glorot() })
      .apply(x) as tf.SymbolicTensor;
    if (layer.dropout > 0)
      x = tf.layers.dropout({ rate: layer.dropout, seed: seeds.seed() }).apply(x) as tf.SymbolicTensor;
  }
  return tf.model({ inputs, outputs: denseHead(x, [], 0, task, seeds), name: 'mlp' });
}

/** One dense layer over the flattened window with the given weights (`[timesteps * features][outputs]`). */
export function buildFixedLinear(shape: readonly number[], fit: LinearFit, name: string): tf.LayersModel {
  const outputs = fit.bias.length;
  const inputs = tf.input({ shape: [...shape] });
  const flat = tf.layers.flatten().apply(inputs) as tf.SymbolicTensor;
  const dense = tf.layers.dense({ units: outputs });
  const model = tf.model({ inputs, outputs: dense.apply(flat) as tf.SymbolicTensor, name });
  dense.setWeights([tf.tensor2d(fit.weights.flat(), [fit.weights.length, outputs]), tf.tensor1d(fit.bias)]);
  return model;
}

/**
 * The seasonal-naive forecast as a linear map on windows whose target column is scaled like
 * the output: step h (1-based) copies the target `season · ceil(h / season)` rows before it,
 * the latest value one season back. Needs `season <= timesteps`.
 */
export function seasonalNaiveFit(
  timesteps: number,
  features: number,
  target: number,
  horizon: number,
  season: number,
): LinearFit {
  const weights = Array.from({ length: timesteps * features }, () => new Array<number>(horizon).fill(0));
  for (let h = 1; h <= horizon; h++) {
    const position = timesteps - 1 + h - season * Math.ceil(h / season);
    weights[position * features + target]![h - 1] = 1;
  }
  return { weights, bias: new Array<number>(horizon).fill(0) };
}
