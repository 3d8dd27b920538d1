/**
 * Transformer encoder for token sequences: positional embedding, N post-norm encoder blocks
 * (self-attention and feed-forward, each with dropout, a residual and layer normalisation),
 * global average pooling, dense head. Numeric windows (forecasting) are projected step by step
 * instead of embedded, and flattened instead of pooled, so the head knows which step is recent.
 */
import * as tf from '../../ml/tfjs.ts';
import type { BuildOptions, DeepInput, DeepTask, TransformerHyperparameters } from './schemas.ts';
import { MultiHeadSelfAttention, PositionalEmbedding } from './attention-layer.ts';
import { LayerNormalization } from './layer-normalization.ts';
import { assertInputSizes, denseHead, incompatible, LayerSeeds } from './model-head.ts';

/** Builds an (uncompiled) transformer encoder over `tokens` input. */
export function buildTransformer(
  params: TransformerHyperparameters,
  input: DeepInput,
  task: DeepTask,
  options: BuildOptions = {},
): tf.LayersModel {
  assertInputSizes(input);
  if (input.kind === 'image')
    throw incompatible('The transformer reads token or numeric sequences; for images use a cnn.');
  const seeds = new LayerSeeds(options);
  const keyDim = params.keyDim ?? Math.max(1, Math.floor(params.embedDim / params.numHeads));
  const drop = (t: tf.SymbolicTensor) =>
    params.dropout > 0
      ? (tf.layers.dropout({ rate: params.dropout, seed: seeds.seed() }).apply(t) as tf.SymbolicTensor)
      : t;

  const inputs = tf.input({ shape: input.kind === 'tokens' ? [input.maxLength] : [input.timesteps, input.features] });
  // Numeric windows are projected per step; their positions reach the head through the flattening below.
  let x =
    input.kind === 'tokens'
      ? (new PositionalEmbedding({
          vocabSize: input.vocabSize,
          maxLength: input.maxLength,
          embedDim: params.embedDim,
          seed: seeds.seed(),
        }).apply(inputs) as tf.SymbolicTensor)
      : (tf.layers
          .dense({ units: params.embedDim, kernelInitializer: seeds.glorot() })
          .apply(inputs) as tf.SymbolicTensor);
  x = drop(x);
  for (let block = 0; block < params.numBlocks; block++) {
    const attended = new MultiHeadSelfAttention({
      numHeads: params.numHeads,
      keyDim,
      causal: params.causal,
      seed: seeds.seed(),
    }).apply(x) as tf.SymbolicTensor;
    x = new LayerNormalization({ epsilon: 1e-6 }).apply(
      tf.layers.add().apply([x, drop(attended)]),
    ) as tf.SymbolicTensor;
    const hidden = tf.layers
      .dense({ units: params.ffDim, activation: 'relu', kernelInitializer: seeds.glorot() })
      .apply(x) as tf.SymbolicTensor;
    const projected = tf.layers
      .dense({ units: params.embedDim, kernelInitializer: seeds.glorot() })
      .apply(hidden) as tf.SymbolicTensor;
    x = new LayerNormalization({ epsilon: 1e-6 }).apply(
      tf.layers.add().apply([x, drop(projected)]),
    ) as tf.SymbolicTensor;
  }
  x = (
    input.kind === 'tokens' ? tf.layers.globalAveragePooling1d().apply(x) : tf.layers.flatten().apply(x)
  ) as tf.SymbolicTensor;
  const outputs = denseHead(drop(x), params.denseUnits, params.dropout, task, seeds);
  return tf.model({ inputs, outputs, name: 'transformer' });
}
