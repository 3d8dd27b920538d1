/**
 * A matrix product as a WebAssembly SIMD kernel (the dense training step's, and batched
 * products on wasm), assembled here byte by byte (no toolchain, no package):
 * out[i, j] = Σ_p a[i, p] · b[j, p] over float32 matrices in the module's memory, four
 * products of a row at a time in f32x4 lanes, one row of `a` against four rows of `b` per pass
 * so each load of `a` serves four sums. Sums are float32, in four lanes added at the end, so
 * they round differently from the JavaScript kernel's float64 sums: the same within float32
 * tolerance. Undefined where the engine has no SIMD; the step then keeps the JavaScript kernel.
 */

import {
  countedLoop,
  countedLoopFromZero,
  END,
  extract,
  F32,
  F32_ADD,
  F32_LOAD,
  F32_MUL,
  F32_STORE,
  f32x4Add,
  f32x4Mul,
  f32x4Splat,
  f32Zero,
  get,
  I32,
  I32_ADD,
  I32_MUL,
  I32_SHL,
  i32,
  set,
  singleFunctionKernel,
  roundedDown,
  floatBytes,
  V128,
  v128Load,
  webAssembly,
  type WasmMemory,
} from './wasm-assembly.ts';
import { simdAdam, type SimdAdam } from './simd-adam.ts';

/** out = a · bᵀ for a `[m, depth]`, b `[n, depth]`, out `[m, n]`, all given as byte offsets into the memory. */
export type SimdProduct = (a: number, b: number, out: number, m: number, n: number, depth: number) => void;

// Parameters: 0 a, 1 b, 2 out, 3 m, 4 n, 5 depth. Locals below.
const I = 6;
const J = 7;
const P = 8;
const A_ROW = 9;
const B0 = 10;
const B1 = 11;
const B2 = 12;
const B3 = 13;
const DEPTH4 = 14;
const N4 = 15;
const ROW_BYTES = 16;
const ACC0 = 17;
const ACC1 = 18;
const ACC2 = 19;
const ACC3 = 20;
const X = 21; // v128: a[i, p..p+4]
const S = 22; // f32 scalar sum

/** row + p * 4: the address of element p of a row. */
const atP = (row: number) => [...get(row), ...get(P), ...i32(2), I32_SHL, I32_ADD];

/** acc = acc + x * load(row + p*4). */
const accumulate = (acc: number, row: number) => [
  ...get(acc),
  ...get(X),
  ...atP(row),
  ...v128Load,
  ...f32x4Mul,
  ...f32x4Add,
  ...set(acc),
];

/** The sum of acc's lanes plus a[i, p] · row[p] for the depth's remainder (p from depth4), into S. */
const finish = (acc: number, row: number) => [
  ...get(acc),
  ...extract(0),
  ...get(acc),
  ...extract(1),
  F32_ADD,
  ...get(acc),
  ...extract(2),
  F32_ADD,
  ...get(acc),
  ...extract(3),
  F32_ADD,
  ...set(S),
  ...get(DEPTH4),
  ...set(P),
  ...countedLoop(P, 5, 1, [
    ...get(S),
    ...atP(A_ROW),
    F32_LOAD,
    2,
    0,
    ...atP(row),
    F32_LOAD,
    2,
    0,
    F32_MUL,
    F32_ADD,
    ...set(S),
  ]),
];

/** out[i, j + column] = S. */
const store = (column: number) => [
  ...get(2),
  ...get(I),
  ...get(4),
  I32_MUL,
  ...get(J),
  I32_ADD,
  ...i32(column),
  I32_ADD,
  ...i32(2),
  I32_SHL,
  I32_ADD,
  ...get(S),
  F32_STORE,
  2,
  0,
];

/** row = b + (j + offset) * rowBytes. */
const bRow = (local: number, offset: number) => [
  ...get(1),
  ...get(J),
  ...i32(offset),
  I32_ADD,
  ...get(ROW_BYTES),
  I32_MUL,
  I32_ADD,
  ...set(local),
];

/** The vector loop over p < depth4 for the given accumulators and b rows. */
const vectorLoop = (pairs: Array<[number, number]>) => [
  ...pairs.flatMap(([acc]) => [...f32Zero, ...f32x4Splat, ...set(acc)]),
  ...countedLoopFromZero(P, DEPTH4, 4, [
    ...atP(A_ROW),
    ...v128Load,
    ...set(X),
    ...pairs.flatMap(([acc, row]) => accumulate(acc, row)),
  ]),
];

const body = [
  // depth4 = depth & ~3; n4 = n & ~3; rowBytes = depth * 4; i = 0
  ...roundedDown(5, 4, DEPTH4),
  ...roundedDown(4, 4, N4),
  ...floatBytes(5, ROW_BYTES),
  ...countedLoopFromZero(I, 3, 1, [
    // aRow = a + i * rowBytes; j = 0
    ...get(0),
    ...get(I),
    ...get(ROW_BYTES),
    I32_MUL,
    I32_ADD,
    ...set(A_ROW),
    ...i32(0),
    ...set(J),
    // Four columns at a time.
    ...countedLoop(J, N4, 4, [
      ...bRow(B0, 0),
      ...bRow(B1, 1),
      ...bRow(B2, 2),
      ...bRow(B3, 3),
      ...vectorLoop([
        [ACC0, B0],
        [ACC1, B1],
        [ACC2, B2],
        [ACC3, B3],
      ]),
      ...finish(ACC0, B0),
      ...store(0),
      ...finish(ACC1, B1),
      ...store(1),
      ...finish(ACC2, B2),
      ...store(2),
      ...finish(ACC3, B3),
      ...store(3),
    ]),
    // The remaining columns one at a time.
    ...countedLoop(J, 4, 1, [...bRow(B0, 0), ...vectorLoop([[ACC0, B0]]), ...finish(ACC0, B0), ...store(0)]),
  ]),
  END,
];

export type { WasmMemory };

/** The product kernel over a memory (its own, or the wasm backend's), or undefined without SIMD. */
export const simdProduct = singleFunctionKernel<SimdProduct>(
  'product',
  Array<number>(6).fill(I32),
  [
    [11, I32],
    [5, V128],
    [1, F32],
  ],
  body,
);

/**
 * A memory of at least `bytes` bytes with the product kernel over it (and the Adam step of
 * simd-adam.ts), or undefined where WebAssembly or its SIMD is unavailable.
 */
export function simdMemory(
  bytes: number,
): { memory: WasmMemory; product: SimdProduct; adam: SimdAdam | undefined } | undefined {
  if (!webAssembly) return undefined;
  const memory = new webAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const product = simdProduct(memory);
  return product && { memory, product, adam: simdAdam(memory) };
}

/**
 * `to` = each of `count` row-major `[rows, cols]` matrices of `from` transposed to `[cols, rows]`:
 * how operands are laid out for the product's `a · bᵀ` form.
 */
export function transposed(from: Float32Array, to: Float32Array, rows: number, cols: number, count = 1): void {
  for (let base = 0; base < count * rows * cols; base += rows * cols)
    for (let r = 0; r < rows; r++) {
      const row = base + r * cols;
      for (let c = 0; c < cols; c++) to[base + c * rows + r] = from[row + c]!;
    }
}
