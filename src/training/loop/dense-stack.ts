/**
 * A training step for plain dense stacks (linear, logistic and MLP models: sequential Dense
 * layers, optionally each followed by Dropout) written out by hand over Float32Arrays: the
 * forward pass, the loss the tabular loop minimises (tabular-loop.ts' dataLoss plus the L2
 * penalty on kernels), its gradients by backpropagation, and the Adam update
 * (host-adam.ts). Why: such a model's step on TensorFlow.js is some 90 tape kernels for a few
 * hundred thousand multiply-adds, and on the wasm and cpu backends each kernel's fixed cost
 * (engine bookkeeping, tidy, dispatch, copies in and out of wasm memory) is most of the step.
 * Here a step allocates nothing and dispatches nothing. The matrix products, most of the
 * arithmetic, run on a WebAssembly SIMD kernel assembled in src/ml/simd-product.ts (about 5x the
 * JavaScript kernel of src/ml/product-arena.ts, which remains where SIMD is unavailable), over
 * buffers that live in its memory (the arena).
 *
 * The weights live in this object's arrays while it trains; `flush` writes them into the
 * model's variables (the loop does so at every epoch end and before each checkpoint), and the
 * first step reads them from the model (after a resume has set them). The Adam moments are the
 * optimiser's own (HostAdamOptimizer.applyHostGradients), so checkpoints keep their format and
 * a run can resume on either path. Dropout draws tf.dropout's masks for the same seeds
 * (dropout-mask.ts). The gradients are TensorFlow.js's — the clipped cross-entropies included,
 * whose clip passes no gradient where a probability is clipped — within float32 rounding
 * (dense-stack.test.ts compares them with tf.variableGrads).
 */
import { tf } from '../../ml/backend.ts';
import { ProductArena } from '../../ml/product-arena.ts';
import { transposed } from '../../ml/simd-product.ts';
import { dropoutMask } from './dropout-mask.ts';
import type { HostAdamOptimizer, HostParameter } from './host-adam.ts';

type Activation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'elu' | 'selu' | 'softmax';
const ACTIVATIONS = new Set<string>(['linear', 'relu', 'sigmoid', 'tanh', 'elu', 'selu', 'softmax']);
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** The data loss, as tabular-loop.ts' dataLoss picks it from the task and the class count. */
export type DenseLoss = 'categoricalCrossEntropy' | 'binaryCrossEntropy' | 'meanSquaredError';

export function denseLossOf(task: 'classification' | 'regression', classes: number): DenseLoss {
  if (task === 'regression') return 'meanSquaredError';
  return classes === 2 ? 'binaryCrossEntropy' : 'categoricalCrossEntropy';
}

const EPSILON = Math.fround(1e-7);
/** Rows per forward pass of `predict`: bounds the buffers whatever the split's size. */
const PREDICT_ROWS = 1024;
const ONE_MINUS_EPSILON = Math.fround(1 - 1e-7);

interface DenseLayer {
  inputs: number;
  units: number;
  activation: Activation;
  kernel: HostParameter;
  bias: HostParameter | undefined;
  /** The kernel transposed, `[units, inputs]`, refreshed after every update: the forward product reads it. */
  kernelT: Float32Array;
  kernelVariable: tf.LayerVariable;
  biasVariable: tf.LayerVariable | undefined;
  /** Rate of the Dropout layer after this one (0: none) and that layer's index in model.layers. */
  dropout: number;
  dropoutIndex: number;
  /** Per batch, [rows, units]: the activation's output, the layer's output (after dropout), its mask, the gradient. */
  act: Float32Array;
  out: Float32Array;
  mask: Float32Array;
  delta: Float32Array;
  /** Per batch, transposed for the kernel's gradient: the layer's input `[inputs, rows]` and delta `[units, rows]`. */
  inputT: Float32Array;
  deltaT: Float32Array;
}

/** A dense stack's weights, Adam state (the optimiser's) and per-batch buffers: see the file comment. */
export class DenseStack {
  private loaded = false;
  /** Where the buffers live and the products run; made by the first `reserve`. */
  private arena: ProductArena | undefined;
  private capacity = 0;
  private xBatch = new Float32Array(0);
  private yBatch = new Float32Array(0);
  private readonly parameters: HostParameter[];

  private constructor(
    private readonly layers: DenseLayer[],
    private readonly loss: DenseLoss,
    private readonly l2: number,
    /** Undefined for a forward pass only (predictor). */
    private readonly optimizer: HostAdamOptimizer | undefined,
  ) {
    this.parameters = layers.flatMap((layer) => (layer.bias ? [layer.kernel, layer.bias] : [layer.kernel]));
  }

  /**
   * The dense step for `model` trained on `loss` with `optimizer`, or undefined when the model
   * is not a plain stack it can express: Sequential, every layer Dense (activation linear, relu,
   * sigmoid, tanh, elu, selu or softmax, 2-D kernel) or a Dropout after one, every weight
   * trainable, and an output the loss takes (one unit for the binary and squared losses).
   */
  static of(model: tf.LayersModel, loss: DenseLoss, l2: number, optimizer: tf.Optimizer): DenseStack | undefined {
    // Not instanceof: tfjs's Optimizer answers it true for any optimiser.
    if (!isHostAdam(optimizer)) return undefined;
    const layers = DenseStack.layersOf(model);
    const output = layers?.at(-1);
    if (!layers || !output) return undefined;
    if (loss !== 'categoricalCrossEntropy' && output.units !== 1) return undefined;
    return new DenseStack(layers, loss, l2, optimizer);
  }

  /**
   * The forward pass of `model` (dropout off) on the same kernel, for evaluations that run one
   * trained model many times (permutation importance: once per column and shuffle); undefined
   * where the model is not a plain dense stack. It reads the weights on its first call.
   */
  static predictor(model: tf.LayersModel): ((x: Float32Array, rows: number) => Float32Array) | undefined {
    const layers = DenseStack.layersOf(model);
    if (!layers || layers.length === 0) return undefined;
    const stack = new DenseStack(layers, 'meanSquaredError', 0, undefined);
    return (x, rows) => stack.predict(x, rows);
  }

  /** The layers of a plain dense stack (see `of`), or undefined. */
  private static layersOf(model: tf.LayersModel): DenseLayer[] | undefined {
    if (model.getClassName() !== 'Sequential') return undefined;
    const layers: DenseLayer[] = [];
    const weights: tf.LayerVariable[] = [];
    for (const [index, layer] of model.layers.entries()) {
      const name = layer.getClassName();
      if (name === 'Dropout') {
        const previous = layers.at(-1);
        const rate = Number(layer.getConfig().rate);
        if (!previous || previous.dropout > 0 || !(rate >= 0 && rate < 1) || layer.getConfig().noiseShape != null)
          return undefined;
        previous.dropout = rate;
        previous.dropoutIndex = index;
        continue;
      }
      if (name !== 'Dense' || !layer.trainable) return undefined;
      const config = layer.getConfig();
      const activation = String(config.activation ?? 'linear');
      if (!ACTIVATIONS.has(activation) || config.kernelConstraint != null || config.biasConstraint != null)
        return undefined;
      const [kernelVariable, biasVariable, ...rest] = layer.trainableWeights;
      if (!kernelVariable || rest.length > 0 || layer.weights.length !== layer.trainableWeights.length)
        return undefined;
      if (kernelVariable.shape.length !== 2) return undefined;
      const [inputs, units] = kernelVariable.shape as [number, number];
      if (biasVariable && (biasVariable.shape.length !== 1 || biasVariable.shape[0] !== units)) return undefined;
      const previous = layers.at(-1);
      if (previous && previous.units !== inputs) return undefined;
      weights.push(kernelVariable, ...(biasVariable ? [biasVariable] : []));
      layers.push({
        inputs,
        units,
        activation: activation as Activation,
        kernel: parameter(kernelVariable),
        bias: biasVariable && parameter(biasVariable),
        kernelT: new Float32Array(inputs * units),
        kernelVariable,
        biasVariable,
        dropout: 0,
        dropoutIndex: -1,
        act: new Float32Array(0),
        out: new Float32Array(0),
        mask: new Float32Array(0),
        delta: new Float32Array(0),
        inputT: new Float32Array(0),
        deltaT: new Float32Array(0),
      });
    }
    // The tape path minimises over model.trainableWeights in this order; the moments follow it.
    const trainable = model.trainableWeights;
    if (trainable.length !== weights.length || trainable.some((weight, i) => weight !== weights[i])) return undefined;
    return layers;
  }

  /**
   * Outputs `[rows, units]` for `x` `[rows, inputs]`, dropout off, PREDICT_ROWS rows at a time,
   * with the weights as they stand (read from the model if no step has run yet).
   */
  predict(x: Float32Array, rows: number): Float32Array {
    const width = this.layers[0]!.inputs;
    const output = this.layers[this.layers.length - 1]!;
    const result = new Float32Array(rows * output.units);
    this.reserve(Math.min(rows, PREDICT_ROWS));
    this.load();
    for (let start = 0; start < rows; start += PREDICT_ROWS) {
      const count = Math.min(PREDICT_ROWS, rows - start);
      this.forward(this.batchInput(x.subarray(start * width, (start + count) * width), count), count, undefined);
      result.set(output.out.subarray(0, count * output.units), start * output.units);
    }
    return result;
  }

  /** Writes the weights into the model's variables (a no-op before the first step). */
  flush(): void {
    if (!this.loaded) return;
    tf.tidy(() => {
      for (const layer of this.layers) {
        write(layer.kernelVariable, layer.kernel);
        if (layer.biasVariable && layer.bias) write(layer.biasVariable, layer.bias);
      }
    });
  }

  /**
   * One step on rows `indices` of `x` (`[n, inputs]`) and `y` (a class index per row for the
   * categorical loss, the target otherwise); returns the objective times the batch size.
   * `dropoutSeeds[i]` seeds the Dropout layer at model.layers[i].
   */
  stepRows(x: Float32Array, y: Float32Array, indices: ArrayLike<number>, dropoutSeeds?: number[]): number {
    const rows = indices.length;
    this.reserve(rows);
    const width = this.layers[0]!.inputs;
    const xBatch = this.xBatch;
    const yBatch = this.yBatch;
    for (let r = 0; r < rows; r++) {
      const row = indices[r]!;
      xBatch.set(x.subarray(row * width, (row + 1) * width), r * width);
      yBatch[r] = y[row]!;
    }
    return this.train(xBatch, yBatch, rows, dropoutSeeds);
  }

  /** One step on a batch already laid out: `x` is `[rows, inputs]`, `y` one value per row (see stepRows). */
  step(x: Float32Array, y: Float32Array, rows: number, dropoutSeeds?: number[]): number {
    this.reserve(rows);
    return this.train(x, y, rows, dropoutSeeds);
  }

  /** The gradients of the last step, in model.trainableWeights order (for tests). */
  gradients(): Float32Array[] {
    return this.parameters.map(({ gradient }) => gradient);
  }

  /**
   * Forward and backward on a batch without updating anything: fills `gradients()` and returns
   * the objective (not times the batch size).
   */
  computeGradients(x: Float32Array, y: Float32Array, rows: number, dropoutSeeds?: number[]): number {
    this.reserve(rows);
    this.load();
    const input = this.batchInput(x, rows);
    this.forward(input, rows, dropoutSeeds);
    return this.backward(input, y, rows);
  }

  /** `x` where the products can read it: in the batch buffer. */
  private batchInput(x: Float32Array, rows: number): Float32Array {
    if (x !== this.xBatch) this.xBatch.set(x.subarray(0, rows * this.layers[0]!.inputs));
    return this.xBatch;
  }

  private train(x: Float32Array, y: Float32Array, rows: number, dropoutSeeds: number[] | undefined): number {
    this.load();
    const input = this.batchInput(x, rows);
    this.forward(input, rows, dropoutSeeds);
    const objective = this.backward(input, y, rows);
    if (!this.optimizer) throw new Error('A forward-only dense stack does not train.');
    this.optimizer.applyHostGradients(this.parameters, this.arena);
    this.transposeKernels();
    return objective * rows;
  }

  /** Reads the model's weights on the first step. */
  private load(): void {
    if (this.loaded) return;
    for (const layer of this.layers) {
      layer.kernel.value.set(layer.kernelVariable.read().dataSync() as Float32Array);
      if (layer.biasVariable && layer.bias) layer.bias.value.set(layer.biasVariable.read().dataSync() as Float32Array);
    }
    this.transposeKernels();
    this.loaded = true;
  }

  private transposeKernels(): void {
    for (const layer of this.layers) transposed(layer.kernel.value, layer.kernelT, layer.inputs, layer.units);
  }

  /**
   * Sizes the buffers for batches of `rows` rows; they only grow. Every array the products
   * read or write lives in one WebAssembly memory, where the SIMD kernel can reach it (plain
   * arrays where the engine has no SIMD); the weights move over with their values, and so do
   * the optimiser's moments, for the SIMD Adam step (simd-adam.ts).
   */
  private reserve(rows: number): void {
    if (rows <= this.capacity) return;
    this.capacity = rows;
    const sizes: number[] = [rows * this.layers[0]!.inputs];
    for (const layer of this.layers) {
      const { inputs, units } = layer;
      const size = rows * units;
      const dropout = layer.dropout > 0 ? size : 0;
      sizes.push(inputs * units, inputs * units, inputs * units, units, units);
      sizes.push(size, dropout, dropout, size, rows * inputs, size);
    }
    // Each parameter's two Adam moments.
    if (this.optimizer) for (const { value } of this.parameters) sizes.push(value.length, value.length);
    const arena = ProductArena.of(sizes);
    this.arena = arena;
    const take = (size: number) => arena.take(size);
    const moved = (array: Float32Array) => arena.moved(array);
    this.xBatch = take(rows * this.layers[0]!.inputs);
    this.yBatch = new Float32Array(rows);
    for (const layer of this.layers) {
      const { inputs, units } = layer;
      const size = rows * units;
      layer.kernel.value = moved(layer.kernel.value);
      layer.kernel.gradient = take(inputs * units);
      layer.kernelT = moved(layer.kernelT);
      if (layer.bias) {
        layer.bias.value = moved(layer.bias.value);
        layer.bias.gradient = take(units);
      } else {
        take(units);
        take(units);
      }
      layer.act = take(size);
      layer.out = layer.dropout > 0 ? take(size) : layer.act;
      layer.mask = take(layer.dropout > 0 ? size : 0);
      layer.delta = take(size);
      layer.inputT = take(rows * inputs);
      layer.deltaT = take(size);
    }
    const optimizer = this.optimizer;
    if (optimizer)
      this.parameters.forEach(({ value }, i) => optimizer.placeMoments(i, take(value.length), take(value.length)));
  }

  /** out = a · bᵀ in the arena (product-arena.ts); every pass reserves before it runs. */
  private product(a: Float32Array, b: Float32Array, out: Float32Array, m: number, n: number, depth: number): void {
    this.arena!.product(a, b, out, m, n, depth);
  }

  private forward(x: Float32Array, rows: number, dropoutSeeds: number[] | undefined): void {
    let input = x;
    for (const layer of this.layers) {
      const { units } = layer;
      const act = layer.act;
      this.product(input, layer.kernelT, act, rows, units, layer.inputs);
      const bias = layer.bias?.value;
      if (bias)
        for (let r = 0; r < rows; r++) {
          const o = r * units;
          for (let j = 0; j < units; j++) act[o + j] = act[o + j]! + bias[j]!;
        }
      activate(layer.activation, layer.act, rows * units, units);
      if (layer.dropout > 0) {
        const size = rows * units;
        const seed = dropoutSeeds?.[layer.dropoutIndex];
        const mask = layer.mask.subarray(0, size);
        // Without seeds (no training), dropout is the identity, as in tabular-loop.ts' forward.
        if (seed === undefined) mask.fill(1);
        else dropoutMask(mask, layer.dropout, seed);
        const out = layer.out;
        for (let i = 0; i < size; i++) out[i] = act[i]! * mask[i]!;
      }
      input = layer.out;
    }
  }

  /** Fills the gradients from the last forward pass; returns the objective. */
  private backward(x: Float32Array, y: Float32Array, rows: number): number {
    const layers = this.layers;
    const output = layers[layers.length - 1]!;
    let objective = lossGradient(this.loss, output.out, y, output.delta, rows, output.units);
    for (let l = layers.length - 1; l >= 0; l--) {
      const layer = layers[l]!;
      const { inputs, units } = layer;
      const size = rows * units;
      const delta = layer.delta;
      if (layer.dropout > 0) {
        const mask = layer.mask;
        for (let i = 0; i < size; i++) delta[i] = delta[i]! * mask[i]!;
      }
      activationGradient(layer.activation, layer.act, delta, size, units);
      const input = l === 0 ? x : layers[l - 1]!.out;
      const kernel = layer.kernel.value;
      const kernelGradient = layer.kernel.gradient;
      transposed(input, layer.inputT, rows, inputs);
      transposed(delta, layer.deltaT, rows, units);
      this.product(layer.inputT, layer.deltaT, kernelGradient, inputs, units, rows);
      if (this.l2 > 0) {
        let squares = 0;
        const scale = 2 * this.l2;
        for (let i = 0; i < kernel.length; i++) {
          const w = kernel[i]!;
          squares += w * w;
          kernelGradient[i] = kernelGradient[i]! + scale * w;
        }
        objective += this.l2 * squares;
      }
      if (layer.bias) columnSums(delta, layer.bias.gradient, rows, units);
      if (l > 0) this.product(delta, kernel, layers[l - 1]!.delta, rows, inputs, units);
    }
    return objective;
  }
}

function isHostAdam(optimizer: tf.Optimizer): optimizer is HostAdamOptimizer {
  return typeof (optimizer as Partial<HostAdamOptimizer>).applyHostGradients === 'function';
}

function parameter(variable: tf.LayerVariable): HostParameter {
  const size = variable.shape.reduce((a: number, b) => a * (b ?? 1), 1);
  return {
    name: (variable.read() as tf.Variable).name,
    shape: variable.shape as number[],
    value: new Float32Array(size),
    gradient: new Float32Array(size),
  };
}

function write(variable: tf.LayerVariable, { value, shape }: HostParameter): void {
  (variable.read() as tf.Variable).assign(tf.tensor(value, shape, 'float32'));
}

function columnSums(d: Float32Array, out: Float32Array, rows: number, units: number): void {
  out.fill(0);
  for (let r = 0; r < rows; r++) {
    const dr = r * units;
    for (let j = 0; j < units; j++) out[j] = out[j]! + d[dr + j]!;
  }
}

function activate(activation: Activation, v: Float32Array, size: number, units: number): void {
  switch (activation) {
    case 'linear':
      return;
    case 'relu':
      for (let i = 0; i < size; i++) if (!(v[i]! > 0)) v[i] = 0;
      return;
    case 'sigmoid':
      for (let i = 0; i < size; i++) v[i] = 1 / (1 + Math.exp(-v[i]!));
      return;
    case 'tanh':
      for (let i = 0; i < size; i++) v[i] = Math.tanh(v[i]!);
      return;
    case 'elu':
      for (let i = 0; i < size; i++) if (!(v[i]! > 0)) v[i] = Math.expm1(v[i]!);
      return;
    case 'selu':
      for (let i = 0; i < size; i++)
        v[i] = v[i]! > 0 ? SELU_SCALE * v[i]! : SELU_SCALE * SELU_ALPHA * Math.expm1(v[i]!);
      return;
    case 'softmax':
      for (let base = 0; base < size; base += units) {
        const end = base + units;
        let max = -Infinity;
        for (let i = base; i < end; i++) if (v[i]! > max) max = v[i]!;
        let sum = 0;
        for (let i = base; i < end; i++) {
          const e = Math.exp(v[i]! - max);
          v[i] = e;
          sum += e;
        }
        for (let i = base; i < end; i++) v[i] = v[i]! / sum;
      }
      return;
  }
}

/** d ← d ⊙ activation'(·), from the activation's outputs `a` (softmax: its Jacobian times d, per row). */
function activationGradient(
  activation: Activation,
  a: Float32Array,
  d: Float32Array,
  size: number,
  units: number,
): void {
  switch (activation) {
    case 'linear':
      return;
    case 'relu':
      for (let i = 0; i < size; i++) if (!(a[i]! > 0)) d[i] = 0;
      return;
    case 'sigmoid':
      for (let i = 0; i < size; i++) d[i] = d[i]! * a[i]! * (1 - a[i]!);
      return;
    case 'tanh':
      for (let i = 0; i < size; i++) d[i] = d[i]! * (1 - a[i]! * a[i]!);
      return;
    case 'elu':
      for (let i = 0; i < size; i++) if (a[i]! < 0) d[i] = d[i]! * (a[i]! + 1);
      return;
    case 'selu':
      for (let i = 0; i < size; i++) d[i] = a[i]! > 0 ? d[i]! * SELU_SCALE : d[i]! * (a[i]! + SELU_SCALE * SELU_ALPHA);
      return;
    case 'softmax':
      for (let base = 0; base < size; base += units) {
        const end = base + units;
        let dot = 0;
        for (let i = base; i < end; i++) dot += d[i]! * a[i]!;
        for (let i = base; i < end; i++) d[i] = a[i]! * (d[i]! - dot);
      }
      return;
  }
}

/**
 * The data loss of predictions `p` (`[rows, units]`) against `y`, as dataLoss computes it, and
 * its gradient with respect to `p` in `d`. The cross-entropies clip p to [1e-7, 1 - 1e-7] and,
 * like tf.clipByValue's gradient, pass none where p lies outside.
 */
function lossGradient(
  loss: DenseLoss,
  p: Float32Array,
  y: Float32Array,
  d: Float32Array,
  rows: number,
  units: number,
): number {
  const size = rows * units;
  let sum = 0;
  switch (loss) {
    case 'meanSquaredError': {
      const scale = 2 / size;
      for (let i = 0; i < size; i++) {
        const error = p[i]! - y[i]!;
        sum += error * error;
        d[i] = scale * error;
      }
      return sum / size;
    }
    case 'binaryCrossEntropy': {
      for (let i = 0; i < size; i++) {
        const pi = p[i]!;
        const yi = y[i]!;
        const clipped = pi < EPSILON ? EPSILON : pi > ONE_MINUS_EPSILON ? ONE_MINUS_EPSILON : pi;
        sum += yi * Math.log(clipped) + (1 - yi) * Math.log(1 - clipped);
        d[i] = clipped === pi ? -(yi / clipped - (1 - yi) / (1 - clipped)) / size : 0;
      }
      return -sum / size;
    }
    case 'categoricalCrossEntropy': {
      d.fill(0, 0, size);
      for (let r = 0; r < rows; r++) {
        const label = y[r]!;
        if (!(label >= 0 && label < units)) continue;
        const i = r * units + Math.trunc(label);
        const pi = p[i]!;
        const clipped = pi < EPSILON ? EPSILON : pi > ONE_MINUS_EPSILON ? ONE_MINUS_EPSILON : pi;
        sum += Math.log(clipped);
        if (clipped === pi) d[i] = -1 / (rows * clipped);
      }
      return -sum / rows;
    }
  }
}
