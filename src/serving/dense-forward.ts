import type { tf } from '../ml/backend.ts';
import type { ForwardPass } from './forward-pass.ts';

interface DenseLayer {
  /** The kernel transposed, [units, inputs], in float64: one monomorphic, contiguous dot product per unit. */
  weights: Float64Array;
  bias: Float64Array;
  inputs: number;
  units: number;
  activation: Activation;
}

type Activation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'elu' | 'selu' | 'softmax';
const ACTIVATIONS = new Set<string>(['linear', 'relu', 'sigmoid', 'tanh', 'elu', 'selu', 'softmax']);
// Layers that are the identity at inference.
const PASS_THROUGH = new Set(['Dropout', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout']);
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/**
 * A plain-JavaScript forward pass for the tabular models (linear, logistic, MLP: sequential
 * Dense layers with dropout), or undefined for any other model, which then runs on
 * TensorFlow.js. Why: these models are a few thousand weights, so for the small batches that
 * single-row traffic makes a TensorFlow.js call is nearly all fixed cost (tensor bookkeeping,
 * tidy, kernel dispatch, wasm copies; about 0.1 ms for one row on the wasm backend) while the
 * arithmetic takes microseconds. Large batches of wide models are another matter: which pass
 * serves which batch size is measured per model (forward-choice.ts). The
 * weights are copied once, at load; a version's weights never change. Sums are in float64
 * and outputs float32, so answers match TensorFlow.js to float32 rounding.
 */
export function denseForward(model: tf.LayersModel, inputWidth: number): ForwardPass | undefined {
  if (model.getClassName() !== 'Sequential') return undefined;
  const layers: DenseLayer[] = [];
  for (const layer of model.layers) {
    const name = layer.getClassName();
    if (PASS_THROUGH.has(name)) continue;
    if (name !== 'Dense') return undefined;
    const config = layer.getConfig();
    const activation = String(config.activation ?? 'linear');
    if (!ACTIVATIONS.has(activation)) return undefined;
    const weights = layer.getWeights();
    const kernel = weights[0];
    if (kernel === undefined || kernel.rank !== 2 || weights.length > 2) return undefined;
    const [inputs, units] = kernel.shape as [number, number];
    const bias = weights[1];
    const stored = kernel.dataSync();
    const weightsByUnit = new Float64Array(inputs * units);
    for (let i = 0; i < inputs; i++)
      for (let u = 0; u < units; u++) weightsByUnit[u * inputs + i] = stored[i * units + u]!;
    const biases = bias === undefined ? new Float64Array(units) : Float64Array.from(bias.dataSync());
    layers.push({ weights: weightsByUnit, bias: biases, inputs, units, activation: activation as Activation });
  }
  if (layers.length === 0 || layers[0]!.inputs !== inputWidth) return undefined;
  for (let i = 1; i < layers.length; i++) if (layers[i]!.inputs !== layers[i - 1]!.units) return undefined;
  return (x, rows) => {
    let values: Float64Array = new Float64Array(x);
    for (const layer of layers) values = applyDense(layer, values, rows);
    return new Float32Array(values);
  };
}

function applyDense(layer: DenseLayer, x: Float64Array, rows: number): Float64Array {
  const { weights, bias, inputs, units } = layer;
  const out = new Float64Array(rows * units);
  for (let r = 0; r < rows; r++) {
    const inBase = r * inputs;
    const outBase = r * units;
    for (let u = 0; u < units; u++) {
      // One dot product per unit over contiguous memory: the row and the unit's weights.
      const wBase = u * inputs;
      let sum = bias[u]!;
      for (let i = 0; i < inputs; i++) sum += x[inBase + i]! * weights[wBase + i]!;
      out[outBase + u] = sum;
    }
    activate(layer.activation, out, outBase, units);
  }
  return out;
}

function activate(activation: Activation, out: Float64Array, base: number, units: number): void {
  const end = base + units;
  switch (activation) {
    case 'linear':
      return;
    case 'relu':
      for (let i = base; i < end; i++) if (!(out[i]! > 0)) out[i] = 0;
      return;
    case 'sigmoid':
      for (let i = base; i < end; i++) out[i] = 1 / (1 + Math.exp(-out[i]!));
      return;
    case 'tanh':
      for (let i = base; i < end; i++) out[i] = Math.tanh(out[i]!);
      return;
    case 'elu':
      for (let i = base; i < end; i++) if (out[i]! <= 0) out[i] = Math.expm1(out[i]!);
      return;
    case 'selu':
      for (let i = base; i < end; i++)
        out[i] = out[i]! > 0 ? SELU_SCALE * out[i]! : SELU_SCALE * SELU_ALPHA * Math.expm1(out[i]!);
      return;
    case 'softmax': {
      let max = -Infinity;
      for (let i = base; i < end; i++) if (out[i]! > max) max = out[i]!;
      let sum = 0;
      for (let i = base; i < end; i++) {
        out[i] = Math.exp(out[i]! - max);
        sum += out[i]!;
      }
      for (let i = base; i < end; i++) out[i] = out[i]! / sum;
      return;
    }
  }
}
