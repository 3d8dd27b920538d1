/**
 * A whole LSTM layer over a batch of sequences, forward and backward, written out over float32
 * arrays in host memory: the fused recurrent op of src/models/architectures/lstm-layer.ts.
 *
 * Why: TensorFlow.js runs a recurrent layer as a loop of small ops per time step (two products,
 * a bias, a split, the gate activations, the masking `where`s), about 20 kernels a step forward
 * and three times that backward, so a 32-token LSTM dispatched some 6,000 kernels per training
 * step, each with the engine's fixed cost, for a few million multiply-adds. Here the input
 * projection of every step is one product, each step's recurrent product one more, the gates a
 * loop over plain arrays, and the backward pass (through time) the same; all products run on the
 * SIMD kernel in one arena (product-arena.ts).
 *
 * The arithmetic is tfjs's LSTMCell and rnn(): gates in the order input, forget, cell, output;
 * `c = f * c' + i * tanh(z_c)`, `h = o * tanh(c)`; the gate activation `hardSigmoid`
 * (clip(0.2 z + 0.5, 0, 1), whose gradient tfjs passes where the clip's input lies inside
 * [0, 1], ends included) or `sigmoid`; a masked step (padding) keeps the previous h and c and
 * outputs the previous h; `goBackwards` reads the steps last to first and outputs them in that
 * order. Sums are float64 rounded to float32 when stored, so results match tfjs's within
 * float32 tolerance (lstm-layer.test.ts compares outputs and gradients).
 */
import { ProductArena } from './product-arena.ts';
import { transposed } from './simd-product.ts';

/** The gate (recurrent) activations the fused op implements. */
export type GateActivation = 'hardSigmoid' | 'sigmoid';

export interface LstmShape {
  batch: number;
  time: number;
  inputs: number;
  units: number;
}

/** The cell's weights, as tfjs lays them out. */
export interface LstmWeights {
  /** `[inputs, 4 * units]` */
  kernel: Float32Array;
  /** `[units, 4 * units]` */
  recurrent: Float32Array;
  /** `[4 * units]`; undefined when the layer has no bias. */
  bias: Float32Array | undefined;
}

export interface LstmGradients {
  /** `[batch, time, inputs]`, in the input's own order. */
  dx: Float32Array;
  dKernel: Float32Array;
  dRecurrent: Float32Array;
  dBias: Float32Array;
}

/** The arrays of one shape, carved from one arena. Rows are time-major, in processing order. */
interface Buffers {
  shape: LstmShape;
  /** `[time * batch, inputs]` */
  x: Float32Array;
  kernel: Float32Array;
  /** `[4 units, inputs]` */
  kernelT: Float32Array;
  recurrent: Float32Array;
  /** `[4 units, units]` */
  recurrentT: Float32Array;
  /** Gate pre-activations `[time * batch, 4 units]`. */
  z: Float32Array;
  /** Gate activations, the same shape. */
  gates: Float32Array;
  /** `[(time + 1) * batch, units]`: the states after each step, the zero initial ones first. */
  h: Float32Array;
  c: Float32Array;
  /** One step's recurrent product `[batch, 4 units]`. */
  zh: Float32Array;
  /** 1 where the step is read, 0 where masked, `[time * batch]`. */
  mask: Uint8Array;
  dz: Float32Array;
  dzT: Float32Array;
  dh: Float32Array;
  dc: Float32Array;
  dhPrev: Float32Array;
  xT: Float32Array;
  hT: Float32Array;
  dx: Float32Array;
  dKernel: Float32Array;
  dRecurrent: Float32Array;
}

/**
 * One layer's fused op: `forward` keeps what `backward` needs in its buffers, so a backward
 * pass belongs to the forward pass just before it; `run` counts forward passes so a caller can
 * tell whether another one has since overwritten them.
 */
export class LstmSequence {
  private buffers: Buffers | undefined;
  private goBackwards = false;
  private gate: GateActivation = 'hardSigmoid';
  /** Forward passes so far: the id of the one whose state the buffers hold. */
  run = 0;

  /**
   * The layer's output for `x` (`[batch, time, inputs]`, row-major) with `mask` (`[batch,
   * time]`, nonzero where a step is read; undefined: every step): the last h `[batch, units]`, or
   * with `sequences` every step's `[batch, time, units]` (a fresh array either way).
   */
  forward(
    x: Float32Array,
    mask: ArrayLike<number> | undefined,
    shape: LstmShape,
    weights: LstmWeights,
    options: { goBackwards: boolean; sequences: boolean; gate: GateActivation },
  ): Float32Array {
    const b = this.reserve(shape);
    const { batch, time, inputs, units } = shape;
    const gates4 = 4 * units;
    const arena = this.arena!;
    this.run++;
    this.goBackwards = options.goBackwards;
    this.gate = options.gate;
    b.kernel.set(weights.kernel);
    transposed(b.kernel, b.kernelT, inputs, gates4);
    b.recurrent.set(weights.recurrent);
    transposed(b.recurrent, b.recurrentT, units, gates4);
    for (let k = 0; k < time; k++) {
      const t = options.goBackwards ? time - 1 - k : k;
      for (let r = 0; r < batch; r++) {
        const from = (r * time + t) * inputs;
        b.x.set(x.subarray(from, from + inputs), (k * batch + r) * inputs);
        b.mask[k * batch + r] = mask === undefined || mask[r * time + t] !== 0 ? 1 : 0;
      }
    }
    // Every step's input projection in one product.
    arena.product(b.x, b.kernelT, b.z, time * batch, gates4, inputs);
    const bias = weights.bias;
    const { z, gates, h, c, zh } = b;
    const hardSigmoid = options.gate === 'hardSigmoid';
    const stepSize = batch * units;
    h.fill(0, 0, stepSize);
    c.fill(0, 0, stepSize);
    for (let k = 0; k < time; k++) {
      arena.product(h.subarray(k * stepSize, (k + 1) * stepSize), b.recurrentT, zh, batch, gates4, units);
      for (let r = 0; r < batch; r++) {
        const row = k * batch + r;
        const prev = k * stepSize + r * units;
        const next = prev + stepSize;
        if (b.mask[row] === 0) {
          h.copyWithin(next, prev, prev + units);
          c.copyWithin(next, prev, prev + units);
          continue;
        }
        const zr = row * gates4;
        const hr = r * gates4;
        for (let j = 0; j < gates4; j++) {
          const pre = z[zr + j]! + zh[hr + j]! + (bias ? bias[j]! : 0);
          z[zr + j] = pre;
          gates[zr + j] =
            j >= 2 * units && j < 3 * units
              ? Math.tanh(pre)
              : hardSigmoid
                ? Math.min(1, Math.max(0, 0.2 * pre + 0.5))
                : 1 / (1 + Math.exp(-pre));
        }
        for (let j = 0; j < units; j++) {
          const cell = gates[zr + units + j]! * c[prev + j]! + gates[zr + j]! * gates[zr + 2 * units + j]!;
          c[next + j] = cell;
          h[next + j] = gates[zr + 3 * units + j]! * Math.tanh(cell);
        }
      }
    }
    if (!options.sequences) return h.slice(time * stepSize, (time + 1) * stepSize);
    const out = new Float32Array(batch * time * units);
    for (let k = 0; k < time; k++)
      for (let r = 0; r < batch; r++) {
        const from = (k + 1) * stepSize + r * units;
        out.set(h.subarray(from, from + units), (r * time + k) * units);
      }
    return out;
  }

  /**
   * Gradients for `dy`, the gradient of the output `forward` returned (same layout), through the
   * forward pass just run (`run` tells which). Fresh arrays.
   */
  backward(dy: Float32Array, sequences: boolean): LstmGradients {
    const b = this.buffers;
    if (!b) throw new Error('LstmSequence.backward called before forward.');
    const { batch, time, inputs, units } = b.shape;
    const gates4 = 4 * units;
    const stepSize = batch * units;
    const rows = time * batch;
    const arena = this.arena!;
    const { z, gates, c, dz, dh, dc, dhPrev } = b;
    const hardSigmoid = this.gate === 'hardSigmoid';
    /** The gate activation's derivative at pre-activation `pre`, activation `y`. */
    const slope = (pre: number, y: number) => {
      if (!hardSigmoid) return y * (1 - y);
      const clipped = Math.fround(Math.fround(0.2 * pre) + 0.5);
      return clipped >= 0 && clipped <= 1 ? 0.2 : 0;
    };
    if (sequences) dh.fill(0);
    else dh.set(dy);
    dc.fill(0);
    for (let k = time - 1; k >= 0; k--) {
      if (sequences)
        for (let r = 0; r < batch; r++) {
          const from = (r * time + k) * units;
          for (let j = 0; j < units; j++) dh[r * units + j] = dh[r * units + j]! + dy[from + j]!;
        }
      for (let r = 0; r < batch; r++) {
        const row = k * batch + r;
        const zr = row * gates4;
        if (b.mask[row] === 0) {
          dz.fill(0, zr, zr + gates4);
          continue;
        }
        const prev = k * stepSize + r * units;
        const next = prev + stepSize;
        for (let j = 0; j < units; j++) {
          const i = gates[zr + j]!;
          const f = gates[zr + units + j]!;
          const g = gates[zr + 2 * units + j]!;
          const o = gates[zr + 3 * units + j]!;
          const tanhC = Math.tanh(c[next + j]!);
          const dhv = dh[r * units + j]!;
          const dcv = dc[r * units + j]! + dhv * o * (1 - tanhC * tanhC);
          dz[zr + j] = dcv * g * slope(z[zr + j]!, i);
          dz[zr + units + j] = dcv * c[prev + j]! * slope(z[zr + units + j]!, f);
          dz[zr + 2 * units + j] = dcv * i * (1 - g * g);
          dz[zr + 3 * units + j] = dhv * tanhC * slope(z[zr + 3 * units + j]!, o);
          dc[r * units + j] = dcv * f;
        }
      }
      arena.product(
        dz.subarray(k * batch * gates4, (k + 1) * batch * gates4),
        b.recurrent,
        dhPrev,
        batch,
        units,
        gates4,
      );
      // A masked row's h came through unchanged, so its gradient goes on unchanged too.
      for (let r = 0; r < batch; r++)
        if (b.mask[k * batch + r] !== 0) dh.set(dhPrev.subarray(r * units, (r + 1) * units), r * units);
    }
    const dBias = new Float32Array(gates4);
    for (let row = 0; row < rows; row++) for (let j = 0; j < gates4; j++) dBias[j] = dBias[j]! + dz[row * gates4 + j]!;
    transposed(dz, b.dzT, rows, gates4);
    transposed(b.x, b.xT, rows, inputs);
    arena.product(b.xT, b.dzT, b.dKernel, inputs, gates4, rows);
    transposed(b.h.subarray(0, rows * units), b.hT, rows, units);
    arena.product(b.hT, b.dzT, b.dRecurrent, units, gates4, rows);
    arena.product(dz, b.kernel, b.dx, rows, inputs, gates4);
    const dx = new Float32Array(rows * inputs);
    for (let k = 0; k < time; k++) {
      const t = this.goBackwards ? time - 1 - k : k;
      for (let r = 0; r < batch; r++) {
        const from = (k * batch + r) * inputs;
        dx.set(b.dx.subarray(from, from + inputs), (r * time + t) * inputs);
      }
    }
    return { dx, dKernel: b.dKernel.slice(), dRecurrent: b.dRecurrent.slice(), dBias };
  }

  /** Where the buffers live and the products run; made by the first `reserve`. */
  private arena: ProductArena | undefined;

  /**
   * The buffers for `shape`, now the current ones: views carved from the layer's arena, which
   * is made anew only when a shape needs more than it holds (a serving batch of each size, the
   * last smaller batch of an epoch and prediction chunks reuse the largest one's memory).
   */
  private reserve(shape: LstmShape): Buffers {
    const held = this.buffers?.shape;
    if (
      this.buffers &&
      held?.batch === shape.batch &&
      held.time === shape.time &&
      held.inputs === shape.inputs &&
      held.units === shape.units
    )
      return this.buffers;
    const { batch, time, inputs, units } = shape;
    const rows = batch * time;
    const gates4 = 4 * units;
    const sizes = {
      x: rows * inputs,
      kernel: inputs * gates4,
      kernelT: inputs * gates4,
      recurrent: units * gates4,
      recurrentT: units * gates4,
      z: rows * gates4,
      gates: rows * gates4,
      h: (time + 1) * batch * units,
      c: (time + 1) * batch * units,
      zh: batch * gates4,
      dz: rows * gates4,
      dzT: rows * gates4,
      dh: batch * units,
      dc: batch * units,
      dhPrev: batch * units,
      xT: rows * inputs,
      hT: rows * units,
      dx: rows * inputs,
      dKernel: inputs * gates4,
      dRecurrent: units * gates4,
    };
    let arena = this.arena;
    if (arena?.holds(Object.values(sizes))) arena.reset();
    else arena = this.arena = ProductArena.of(Object.values(sizes));
    const taken = Object.fromEntries(Object.entries(sizes).map(([name, size]) => [name, arena.take(size)]));
    const arrays = taken as Record<keyof typeof sizes, Float32Array>;
    this.buffers = { shape: { ...shape }, mask: new Uint8Array(rows), ...arrays };
    return this.buffers;
  }
}
