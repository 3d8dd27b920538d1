/**
 * Gradient attributions on a differentiable TensorFlow.js model (`tf.grad` through the
 * layers), for inputs the model reads as floats (tabular rows, images, sequences).
 *
 * Integrated gradients (Sundararajan et al. 2017): (x − x′) ⊙ the mean gradient along the
 * straight path from the baseline x′ to x, by the midpoint rule over `steps` points. Their
 * sum approaches f(x) − f(x′) as steps grow (completeness); the gap left at the chosen step
 * count is returned, so callers can state it.
 *
 * SmoothGrad (Smilkov et al. 2017), as gradient × input: (x − x′) ⊙ the mean gradient at
 * `samples` noisy copies of x. A sharper map for images, with no completeness guarantee.
 */
import { tf } from '../ml/backend.ts';
import { loadGradients } from '../ml/tfjs.ts';
import { SeededRandom } from '../ml/seeded-random.ts';
import { tidyData } from '../ml/tensor-data.ts';

/** The scalar output explained: `scale * output[unit] + shift` (a class probability or a decoded value). */
export interface ExplainedUnit {
  unit: number;
  scale: number;
  shift: number;
}

export interface GradientInput {
  model: tf.LayersModel;
  /** One instance as the model reads it, `shape` product floats. */
  instance: Float32Array;
  baseline: Float32Array;
  /** Shape of one instance, e.g. [width] or [h, w, c]. */
  shape: number[];
  output: ExplainedUnit;
}

export interface GradientAttribution {
  /** One per input float. */
  attributions: Float32Array;
  /** The explained output at the instance and at the baseline. */
  value: number;
  baseline: number;
}

/** Rows per gradient batch: bounds the memory one explanation holds at once. */
const CHUNK = 32;

function explained(model: tf.LayersModel, x: tf.Tensor, output: ExplainedUnit): tf.Tensor1D {
  const out = model.apply(x, { training: false }) as tf.Tensor2D;
  const unit = out.shape[1] === 1 ? out.squeeze([1]) : out.gather([output.unit], 1).squeeze([1]);
  return unit.mul(output.scale).add(output.shift) as tf.Tensor1D;
}

/** The explained output of each of `rows` inputs. */
function outputsOf(input: GradientInput, x: Float32Array, rows: number): Float32Array {
  return tidyData(() => explained(input.model, tf.tensor(x, [rows, ...input.shape]), input.output));
}

/** Sum of the gradients of the explained output at each of `rows` points. */
function gradientSum(input: GradientInput, points: Float32Array, rows: number): Float32Array {
  // An API process serves without gradients until an explanation needs them.
  loadGradients();
  const size = input.instance.length;
  const total = new Float32Array(size);
  for (let start = 0; start < rows; start += CHUNK) {
    const count = Math.min(CHUNK, rows - start);
    const grads = tidyData(() => {
      const x = tf.tensor(points.subarray(start * size, (start + count) * size), [count, ...input.shape]);
      const g = tf.grad((t: tf.Tensor) => explained(input.model, t, input.output).sum())(x);
      return g.reshape([count, size]).sum(0);
    });
    for (let i = 0; i < size; i++) total[i]! += grads[i]!;
  }
  return total;
}

export function integratedGradients(input: GradientInput, steps: number): GradientAttribution {
  const { instance, baseline } = input;
  const size = instance.length;
  const points = new Float32Array(steps * size);
  for (let s = 0; s < steps; s++) {
    const alpha = (s + 0.5) / steps;
    for (let i = 0; i < size; i++) points[s * size + i] = baseline[i]! + alpha * (instance[i]! - baseline[i]!);
  }
  const sum = gradientSum(input, points, steps);
  const attributions = sum.map((g, i) => (g / steps) * (instance[i]! - baseline[i]!));
  const [value, base] = outputsOf(input, joined(instance, baseline), 2);
  return { attributions, value: value!, baseline: base! };
}

export function smoothGrad(input: GradientInput, samples: number, seed: number, noise = 0.15): GradientAttribution {
  const { instance, baseline } = input;
  const size = instance.length;
  let low = Infinity;
  let high = -Infinity;
  for (const v of instance) {
    low = Math.min(low, v);
    high = Math.max(high, v);
  }
  const sigma = noise * (high > low ? high - low : 1);
  const random = new SeededRandom(seed);
  const points = new Float32Array(samples * size);
  for (let s = 0; s < samples; s++)
    for (let i = 0; i < size; i++) points[s * size + i] = instance[i]! + sigma * gaussian(random);
  const sum = gradientSum(input, points, samples);
  const attributions = sum.map((g, i) => (g / samples) * (instance[i]! - baseline[i]!));
  const [value, base] = outputsOf(input, joined(instance, baseline), 2);
  return { attributions, value: value!, baseline: base! };
}

function joined(a: Float32Array, b: Float32Array): Float32Array {
  const x = new Float32Array(a.length + b.length);
  x.set(a);
  x.set(b, a.length);
  return x;
}

/** A standard normal draw (Box-Muller). */
function gaussian(random: SeededRandom): number {
  const u = 1 - random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}
