/**
 * Adam with its update computed in JavaScript over Float32Arrays. TensorFlow.js's Adam runs
 * about 15 kernels per variable per step (two moments, their bias corrections, the square
 * root, the update, three assigns); a small dense model's step dispatched 139 kernels of which
 * most were the optimiser's, each paying the engine's fixed per-op cost for a few thousand
 * numbers. Here a step reads each gradient and weight once, updates the moments held in JS,
 * and writes the weight back: three transfers per variable, no kernels.
 *
 * The arithmetic is TensorFlow.js's, operation for operation in float32 (every intermediate
 * rounded with Math.fround: products, sums, quotients and square roots of float32 values
 * computed in double and rounded once are the correctly rounded float32 results), so the
 * weights match `tf.train.adam` within float32 rounding (the tests check it). The moments
 * are written into the optimiser's own variables whenever its weights are read, and read
 * back when they are set, so checkpoints and resume see exactly what `tf.train.adam` keeps.
 */
import { tf } from '../../ml/backend.ts';
import { ProductArena } from '../../ml/product-arena.ts';
import type { AdamStepConstants } from '../../ml/simd-adam.ts';

const f = Math.fround;

/** An optimiser weight as tfjs's getWeights hands it out. */
type NamedTensor = { name: string; tensor: tf.Tensor };

/** The fields of tfjs's Adam this one shares (private in its typings). */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  accumulatedSecondMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
}

/** A weight held in JavaScript, with its gradient, for applyHostGradients. */
export interface HostParameter {
  /** The variable's name (what tfjs's variableGrads keys its gradient by). */
  name: string;
  shape: number[];
  value: Float32Array;
  gradient: Float32Array;
}

/** What stepConstants hands both updates: b1, b2, c1, c2, the bias corrections, epsilon, -rate. */
type AdamConstants = AdamStepConstants;

/** Where a host step can run instead of adamUpdateHost: the SIMD kernel over a product arena's memory. */
export interface AdamKernel {
  /** One step in place; false, with nothing done, where it cannot run on these arrays. */
  adam(value: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, constants: AdamConstants): boolean;
}

/** One Adam step over a variable, in place: tfjs's ops in its order, each rounded to float32. */
function adamUpdate(
  value: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  ...[b1, b2, c1, c2, oneMinusAcc1, oneMinusAcc2, epsilon, negativeRate]: AdamConstants
): void {
  const n = value.length;
  for (let k = 0; k < n; k++) {
    const gk = g[k] as number;
    const mk = f(f((m[k] as number) * b1) + f(gk * c1));
    const vk = f(f((v[k] as number) * b2) + f(f(gk * gk) * c2));
    m[k] = mk;
    v[k] = vk;
    const corrected = f(f(mk / oneMinusAcc1) / f(f(Math.sqrt(f(vk / oneMinusAcc2))) + epsilon));
    value[k] = f(f(corrected * negativeRate) + (value[k] as number));
  }
}

/**
 * The same update for weights held in JavaScript (applyHostGradients), in float64 with the
 * moments and weights stored as float32: the bias corrections as products by their inverses
 * and no rounding of each intermediate, which halves the update's cost (about 60 -> 25 µs for
 * the digits MLP's 4,810 weights). The dense step's gradients are TensorFlow.js's only within
 * float32 rounding anyway, so matching tf.train.adam's roundings would buy nothing there.
 */
function adamUpdateHost(
  value: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  ...[b1, b2, c1, c2, oneMinusAcc1, oneMinusAcc2, epsilon, negativeRate]: AdamConstants
): void {
  const n = value.length;
  const r1 = 1 / oneMinusAcc1;
  const r2 = 1 / oneMinusAcc2;
  for (let k = 0; k < n; k++) {
    const gk = g[k]!;
    const mk = m[k]! * b1 + gk * c1;
    const vk = v[k]! * b2 + gk * gk * c2;
    m[k] = mk;
    v[k] = vk;
    value[k] = value[k]! + (negativeRate * mk * r1) / (Math.sqrt(vk * r2) + epsilon);
  }
}

export class HostAdamOptimizer extends tf.AdamOptimizer {
  private readonly m: Float32Array[] = [];
  private readonly v: Float32Array[] = [];
  /** tfjs's accBeta1/2 (beta^t) as float32 numbers; read from its variables after setWeights. */
  private hostAccBeta1 = f(this.beta1);
  private hostAccBeta2 = f(this.beta2);
  /** True when `m`/`v` hold steps the moment variables do not have yet. */
  private unsynced = false;
  /** applyGradients' SIMD memory, for variables of these sizes (scratchFor). */
  private scratch:
    { sizes: number[]; kernel: { arena: ProductArena; value: Float32Array; g: Float32Array } | undefined } | undefined;

  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999) {
    super(learningRate, beta1, beta2);
  }

  private get shared(): AdamState {
    return this as unknown as AdamState;
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries = Array.isArray(variableGradients)
      ? variableGradients.map(({ name, tensor }) => [name, tensor] as const)
      : Object.entries(variableGradients);
    const variables = entries.map(([name]) => {
      const variable = tf.engine().registeredVariables[name];
      if (variable === undefined) throw new Error(`Adam: no variable named '${name}'.`);
      return variable;
    });
    const scratch = this.scratchFor(variables);
    const step = this.stepConstants();
    entries.forEach(([name, gradient], i) => {
      const variable = variables[i]!;
      this.ensureSlots(i, name, variable.shape);
      if (gradient === undefined || gradient === null) return;
      const [m, v] = [this.m[i]!, this.v[i]!];
      const g = gradient.dataSync() as Float32Array;
      const current = variable.dataSync() as Float32Array;
      let value: Float32Array | undefined;
      if (scratch) {
        const [here, gHere] = [scratch.value.subarray(0, current.length), scratch.g.subarray(0, g.length)];
        here.set(current);
        gHere.set(g);
        // A copy out: the scratch is the next variable's.
        if (scratch.arena.adam(here, gHere, m, v, step)) value = here.slice();
      }
      if (value === undefined) {
        // A copy: on the CPU backend dataSync hands out the variable's own array.
        value = Float32Array.from(current);
        adamUpdate(value, g, m, v, ...step);
      }
      variable.assign(tf.tensor(value, variable.shape, 'float32'));
    });
    this.finishStep();
  }

  /**
   * The SIMD kernel's memory for the variables' step (simd-adam.ts, the same float32
   * arithmetic as adamUpdate, about ten times as fast): their moments, placed there once, and
   * room to copy the largest value and gradient in. Undefined without SIMD.
   */
  private scratchFor(variables: tf.Variable[]) {
    const sizes = variables.map((variable) => variable.size);
    const known = this.scratch;
    if (known !== undefined && known.sizes.length === sizes.length && known.sizes.every((n, i) => n === sizes[i]))
      return known.kernel;
    const largest = Math.max(0, ...sizes);
    const arena = ProductArena.of([...sizes.flatMap((n) => [n, n]), largest, largest]);
    sizes.forEach((n, i) => this.placeMoments(i, arena.take(n), arena.take(n)));
    const kernel = { arena, value: arena.take(largest), g: arena.take(largest) };
    // Without SIMD the arena's arrays are plain ones: the moments stay there, the step in JavaScript.
    this.scratch = { sizes, kernel: arena.hasAdamKernel ? kernel : undefined };
    return this.scratch.kernel;
  }

  /**
   * The same step on weights held in JavaScript (dense-stack.ts): `parameters` in the order
   * applyGradients would see their variables, each value updated in place, on `kernel` where
   * it can run (simd-adam.ts: tfjs's float32 arithmetic to the bit) and otherwise by
   * adamUpdateHost's arithmetic. The moments and the slot variables are the ones applyGradients
   * keeps, so the two can take turns.
   */
  applyHostGradients(parameters: ReadonlyArray<HostParameter>, kernel?: AdamKernel): void {
    const step = this.stepConstants();
    parameters.forEach(({ name, shape, value, gradient }, i) => {
      this.ensureSlots(i, name, shape);
      const [m, v] = [this.m[i]!, this.v[i]!];
      if (!kernel?.adam(value, gradient, m, v, step)) adamUpdateHost(value, gradient, m, v, ...step);
    });
    this.finishStep();
  }

  /**
   * Keeps the moments of the `i`-th parameter of applyHostGradients in `m` and `v` from now on
   * (arrays in a kernel's memory), carrying over the values they hold (zeros before a first step).
   */
  placeMoments(i: number, m: Float32Array, v: Float32Array): void {
    m.set(this.m[i] ?? new Float32Array(m.length));
    v.set(this.v[i] ?? new Float32Array(v.length));
    this.m[i] = m;
    this.v[i] = v;
  }

  /** b1, b2, 1 - b1, 1 - b2, the bias corrections, epsilon and -rate, as float32 numbers. */
  private stepConstants(): AdamConstants {
    return [
      f(this.beta1),
      f(this.beta2),
      f(1 - this.beta1),
      f(1 - this.beta2),
      f(1 - this.hostAccBeta1),
      f(1 - this.hostAccBeta2),
      f(this.epsilon),
      f(-this.learningRate),
    ];
  }

  /** Creates the moments of the `i`-th variable on its first step. */
  private ensureSlots(i: number, name: string, shape: number[]): void {
    const state = this.shared;
    if (state.accumulatedFirstMoment[i] !== undefined) return;
    // The same slot variables tfjs's Adam makes, so getWeights/setWeights keep their format.
    state.accumulatedFirstMoment[i] = {
      originalName: `${name}/m`,
      variable: tf.tidy(() => tf.zeros(shape).variable(false)),
    };
    state.accumulatedSecondMoment[i] = {
      originalName: `${name}/v`,
      variable: tf.tidy(() => tf.zeros(shape).variable(false)),
    };
    // Moments placed before the first step (placeMoments) are kept: they are zeros.
    const size = shape.reduce((a, b) => a * b, 1);
    this.m[i] ??= new Float32Array(size);
    this.v[i] ??= new Float32Array(size);
  }

  private finishStep(): void {
    this.hostAccBeta1 = f(this.hostAccBeta1 * f(this.beta1));
    this.hostAccBeta2 = f(this.hostAccBeta2 * f(this.beta2));
    this.unsynced = true;
    this.incrementIterations();
  }

  /** Writes the JS moments and bias-correction products into tfjs's variables. */
  private sync(): void {
    if (!this.unsynced) return;
    const state = this.shared;
    tf.tidy(() => {
      state.accumulatedFirstMoment.forEach((slot, i) =>
        slot?.variable.assign(tf.tensor(this.m[i]!, slot.variable.shape)),
      );
      state.accumulatedSecondMoment.forEach((slot, i) =>
        slot?.variable.assign(tf.tensor(this.v[i]!, slot.variable.shape)),
      );
      state.accBeta1.assign(tf.scalar(this.hostAccBeta1));
      state.accBeta2.assign(tf.scalar(this.hostAccBeta2));
    });
    this.unsynced = false;
  }

  override async getWeights(): Promise<NamedTensor[]> {
    this.sync();
    return super.getWeights();
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    await super.setWeights(weightValues);
    const state = this.shared;
    // Into the arrays the moments live in (they may be placed in a kernel's memory), when they fit.
    const refill = (into: Float32Array | undefined, values: Float32Array) => {
      if (into?.length !== values.length) return Float32Array.from(values);
      into.set(values);
      return into;
    };
    this.m.length = state.accumulatedFirstMoment.length;
    this.v.length = state.accumulatedSecondMoment.length;
    state.accumulatedFirstMoment.forEach((slot, i) => {
      this.m[i] = refill(this.m[i], slot!.variable.dataSync() as Float32Array);
    });
    state.accumulatedSecondMoment.forEach((slot, i) => {
      this.v[i] = refill(this.v[i], slot!.variable.dataSync() as Float32Array);
    });
    this.hostAccBeta1 = state.accBeta1.dataSync()[0] ?? this.hostAccBeta1;
    this.hostAccBeta2 = state.accBeta2.dataSync()[0] ?? this.hostAccBeta2;
    this.unsynced = false;
  }
}
