/**
 * Convolutional networks: 2-D over images, 1-D over numeric sequences and over embedded
 * tokens. Convolutions use 'same' padding and no dilation: the conv gradient in TensorFlow.js
 * rejects dilation on every backend, and 'same' keeps the map size a function of strides and
 * pooling only.
 */
import * as tf from '../../ml/tfjs.ts';
import type { BuildOptions, CnnHyperparameters, DeepInput, DeepTask } from './schemas.ts';
import { assertInputSizes, denseHead, embeddedInput, LayerSeeds } from './model-head.ts';

/** Builds an (uncompiled) CNN for `input` and `task`; see `cnnSchema` for the hyperparameters. */
export function buildCnn(
  params: CnnHyperparameters,
  input: DeepInput,
  task: DeepTask,
  options: BuildOptions = {},
): tf.LayersModel {
  assertInputSizes(input);
  const seeds = new LayerSeeds(options);
  const embedded = embeddedInput(input, params.embeddingDim, seeds);
  const inputs = embedded.inputs;
  let x = embedded.x;
  const twoD = input.kind === 'image';
  for (const block of params.convBlocks) {
    const conv = {
      filters: block.filters,
      kernelSize: block.kernelSize,
      strides: block.strides,
      padding: 'same' as const,
      activation: params.activation,
      kernelInitializer: seeds.glorot(),
    };
    x = (twoD ? tf.layers.conv2d(conv) : tf.layers.conv1d(conv)).apply(x) as tf.SymbolicTensor;
    if (block.pooling !== 'none') {
      // 'same' pooling never shrinks a side to zero, so any number of blocks fits any input.
      const pool = { poolSize: 2, strides: 2, padding: 'same' as const };
      const layer =
        block.pooling === 'max'
          ? twoD
            ? tf.layers.maxPooling2d(pool)
            : tf.layers.maxPooling1d(pool)
          : twoD
            ? tf.layers.averagePooling2d(pool)
            : tf.layers.averagePooling1d(pool);
      x = layer.apply(x) as tf.SymbolicTensor;
    }
    if (block.dropout > 0)
      x = tf.layers.dropout({ rate: block.dropout, seed: seeds.seed() }).apply(x) as tf.SymbolicTensor;
  }
  if (params.reduce === 'flatten') x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  else
    x = (twoD ? tf.layers.globalAveragePooling2d({}) : tf.layers.globalAveragePooling1d()).apply(
      x,
    ) as tf.SymbolicTensor;
  const outputs = denseHead(x, params.denseUnits, params.denseDropout, task, seeds);
  return tf.model({ inputs, outputs, name: 'cnn' });
}
