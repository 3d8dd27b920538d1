/**
 * Recurrent networks (simple RNN, LSTM, GRU), optionally stacked and bidirectional, over
 * embedded tokens or numeric sequences.
 */
import * as tf from '../../ml/tfjs.ts';
import type { BuildOptions, DeepInput, DeepTask, RecurrentHyperparameters } from './schemas.ts';
import { LSTM } from './lstm-layer.ts';
import { assertInputSizes, denseHead, embeddedInput, incompatible, LayerSeeds } from './model-head.ts';

/** Builds an (uncompiled) recurrent model; `params.type` picks the cell. */
export function buildRecurrent(
  params: RecurrentHyperparameters,
  input: DeepInput,
  task: DeepTask,
  options: BuildOptions = {},
): tf.LayersModel {
  assertInputSizes(input);
  if (input.kind === 'image')
    throw incompatible(`A ${params.type} reads token or numeric sequences, not images; use a cnn.`);
  const seeds = new LayerSeeds(options);
  // maskZero: padding (id 0) is skipped by the recurrent layers instead of being read as input.
  const embedded = embeddedInput(input, params.embeddingDim, seeds, true);
  const inputs = embedded.inputs;
  let x = embedded.x;
  params.units.forEach((units, i) => {
    const cellArgs = {
      units,
      returnSequences: i < params.units.length - 1,
      kernelInitializer: seeds.glorot(),
      recurrentInitializer: seeds.orthogonal(),
    };
    const layer =
      params.type === 'lstm'
        ? new LSTM(cellArgs)
        : params.type === 'gru'
          ? tf.layers.gru(cellArgs)
          : tf.layers.simpleRNN(cellArgs);
    const wrapped = params.bidirectional
      ? tf.layers.bidirectional({ layer: layer as tf.RNN, mergeMode: 'concat' })
      : layer;
    x = wrapped.apply(x) as tf.SymbolicTensor;
    if (params.dropout > 0)
      x = tf.layers.dropout({ rate: params.dropout, seed: seeds.seed() }).apply(x) as tf.SymbolicTensor;
  });
  const outputs = denseHead(x, params.denseUnits, params.dropout, task, seeds);
  return tf.model({ inputs, outputs, name: params.type });
}
