/**
 * One Adam step over float32 arrays as a WebAssembly SIMD kernel, four weights per instruction:
 *
 *   m = m·b1 + g·c1;  v = v·b2 + (g·g)·c2;  w = (m / (1 - b1^t)) / (√(v / (1 - b2^t)) + ε) · (−rate) + w
 *
 * in TensorFlow.js's order of operations, each one a float32 operation. WebAssembly's float32
 * arithmetic, square root included, is IEEE 754's correctly rounded one, so the weights and
 * moments are those of `tf.train.adam` (and of host-adam.ts' `adamUpdate`) to the last bit,
 * NaN payloads aside. The dense stack's step spent about a seventh of its time in the
 * JavaScript update (a square root and a division per weight, in float64).
 */
import {
  countedLoop,
  countedLoopFromZero,
  END,
  F32,
  F32_ADD,
  F32_DIV,
  F32_LOAD,
  F32_MUL,
  F32_SQRT,
  F32_STORE,
  f32x4Add,
  f32x4Div,
  f32x4Mul,
  f32x4Splat,
  f32x4Sqrt,
  get,
  I32,
  I32_ADD,
  set,
  singleFunctionKernel,
  roundedDown,
  floatBytes,
  V128,
  v128Load,
  v128Store,
} from './wasm-assembly.ts';

/** b1, b2, 1 - b1, 1 - b2, the bias corrections 1 - b1^t and 1 - b2^t, epsilon and -rate, as float32 numbers. */
export type AdamStepConstants = [
  b1: number,
  b2: number,
  c1: number,
  c2: number,
  oneMinusAcc1: number,
  oneMinusAcc2: number,
  epsilon: number,
  negativeRate: number,
];

/** The step over `n` weights whose value, gradient and moments start at the given byte offsets of the memory. */
export type SimdAdam = (
  value: number,
  gradient: number,
  m: number,
  v: number,
  n: number,
  ...constants: AdamStepConstants
) => void;

/** Eight local indices: the constants' parameters, or their splats. */
type Eight = [number, number, number, number, number, number, number, number];

// Parameters: 0 value, 1 g, 2 m, 3 v, 4 n (i32); 5 b1 .. 12 negativeRate (f32). Locals below.
const CONSTANTS = [5, 6, 7, 8, 9, 10, 11, 12];
const K = 13; // byte offset of the weight in hand
const END4 = 14; // bytes of the whole groups of four
const END_ALL = 15; // bytes of all n
const G = 16; // v128 (f32 in the tail: G_S)
const M = 17;
const V = 18;
/** The constants splatted to four lanes, in CONSTANTS' order. */
const SPLATS = [19, 20, 21, 22, 23, 24, 25, 26];
const G_S = 27;
const M_S = 28;
const V_S = 29;
const [B1, B2, C1, C2, OMA1, OMA2, EPS, NEG_RATE] = CONSTANTS as Eight;
const [B1V, B2V, C1V, C2V, OMA1V, OMA2V, EPSV, NEG_RATEV] = SPLATS as Eight;

/** base + K: the address of the weight in hand in one of the arrays (parameters 0-3). */
const at = (base: number) => [...get(base), ...get(K), I32_ADD];

/** The update in four lanes (vector) or one (tail): the same operations in the same order. */
function update(lanes: {
  load: number[];
  store: number[];
  mul: number[];
  add: number[];
  div: number[];
  sqrt: number[];
  locals: { g: number; m: number; v: number };
  constants: number[];
}): number[] {
  const { load, store, mul, add, div, sqrt } = lanes;
  const { g, m, v } = lanes.locals;
  const [b1, b2, c1, c2, oma1, oma2, eps, negRate] = lanes.constants as Eight;
  /** moment = moment·beta + term·c, kept in `local` and stored back into array `base`. */
  const moment = (base: number, local: number, beta: number, term: number[], c: number) => [
    ...at(base),
    ...at(base),
    ...load,
    ...get(beta),
    ...mul,
    ...term,
    ...get(c),
    ...mul,
    ...add,
    ...set(local),
    ...get(local),
    ...store,
  ];
  return [
    ...at(1),
    ...load,
    ...set(g),
    // m = m·b1 + g·c1; v = v·b2 + (g·g)·c2
    ...moment(2, m, b1, get(g), c1),
    ...moment(3, v, b2, [...get(g), ...get(g), ...mul], c2),
    // w = (m / oma1) / (√(v / oma2) + ε) · negRate + w
    ...at(0),
    ...get(m),
    ...get(oma1),
    ...div,
    ...get(v),
    ...get(oma2),
    ...div,
    ...sqrt,
    ...get(eps),
    ...add,
    ...div,
    ...get(negRate),
    ...mul,
    ...at(0),
    ...load,
    ...add,
    ...store,
  ];
}

const body = [
  // endAll = n * 4; end4 = (n & ~3) * 4; the constants splatted; k = 0
  ...floatBytes(4, END_ALL),
  ...roundedDown(4, 4, END4),
  ...floatBytes(END4, END4),
  ...CONSTANTS.flatMap((constant, i) => [...get(constant), ...f32x4Splat, ...set(SPLATS[i]!)]),
  ...countedLoopFromZero(
    K,
    END4,
    16,
    update({
      load: v128Load,
      store: v128Store,
      mul: f32x4Mul,
      add: f32x4Add,
      div: f32x4Div,
      sqrt: f32x4Sqrt,
      locals: { g: G, m: M, v: V },
      constants: [B1V, B2V, C1V, C2V, OMA1V, OMA2V, EPSV, NEG_RATEV],
    }),
  ),
  ...countedLoop(
    K,
    END_ALL,
    4,
    update({
      load: [F32_LOAD, 2, 0],
      store: [F32_STORE, 2, 0],
      mul: [F32_MUL],
      add: [F32_ADD],
      div: [F32_DIV],
      sqrt: [F32_SQRT],
      locals: { g: G_S, m: M_S, v: V_S },
      constants: [B1, B2, C1, C2, OMA1, OMA2, EPS, NEG_RATE],
    }),
  ),
  END,
];

/** The Adam kernel over `memory` (a WebAssembly.Memory), or undefined where SIMD is unavailable. */
export const simdAdam = singleFunctionKernel<SimdAdam>(
  'adam',
  [...Array<number>(5).fill(I32), ...Array<number>(8).fill(F32)],
  [
    [3, I32],
    [3 + SPLATS.length, V128],
    [3, F32],
  ],
  body,
);
