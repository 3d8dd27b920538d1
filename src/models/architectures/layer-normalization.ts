/**
 * Layer normalisation from broadcasting ops. TensorFlow.js's `LayerNormalization` tiles the
 * mean, variance, gamma and beta up to the input's full shape before `batchNorm` (a
 * workaround for old broadcasting gradients), which costs a `Tile` forward and its gradient
 * backward, four times per layer and step. `(x - mean) * rsqrt(variance + epsilon) * gamma +
 * beta` broadcasts instead, with the same result within float32 rounding.
 *
 * The class keeps the name `LayerNormalization`, its config and its weights (gamma, beta), and
 * is registered under that name, so models saved before (and any saved with tfjs's own layer)
 * load into this implementation.
 */
import * as tf from '../../ml/tfjs.ts';

/** TensorFlow.js's own class: only reachable through an instance, its module is not exported. */
const TfjsLayerNormalization = tf.layers.layerNormalization({}).constructor as (new (
  args?: Parameters<typeof tf.layers.layerNormalization>[0],
) => tf.layers.Layer) &
  Pick<typeof tf.layers.Layer, 'fromConfig'>;

/** The fields of tfjs's layer this one reads (private in its typings, set by its build). */
interface LayerNormalizationState {
  axis: number[];
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: tf.LayerVariable | null;
  beta: tf.LayerVariable | null;
}

export class LayerNormalization extends TfjsLayerNormalization {
  static className = 'LayerNormalization';

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const state = this as unknown as LayerNormalizationState;
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x === undefined) throw new Error('LayerNormalization called without input.');
      const { mean, variance } = tf.moments(x, state.axis, true);
      // gamma and beta have the normalised axes' sizes; put them where those axes are.
      const broadcastShape = x.shape.map((size, axis) => (state.axis.includes(axis) ? size : 1));
      const broadcast = (v: tf.LayerVariable) => {
        const value = v.read();
        return value.rank === x.rank ? value : tf.reshape(value, broadcastShape);
      };
      let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, state.epsilon)));
      if (state.scale && state.gamma) y = tf.mul(y, broadcast(state.gamma));
      if (state.center && state.beta) y = tf.add(y, broadcast(state.beta));
      return y;
    });
  }
}

tf.serialization.registerClass(LayerNormalization);
