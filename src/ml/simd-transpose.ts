/**
 * Matrix transposes as a WebAssembly SIMD kernel: each of `count` row-major `[rows, cols]`
 * float32 matrices to `[cols, rows]`, four rows by four columns at a time (four loads, eight
 * lane shuffles, four stores), for sizes that are multiples of four. The wasm backend's own
 * `Transpose` moves one value at a time with writes a whole row apart: about 110 µs for a
 * `[1024, 32]` matrix, which every dense layer's weight gradient in a sequence model transposes.
 * Values are moved, never computed, so the result is exact.
 */
import {
  countedLoopFromZero,
  END,
  get,
  I32,
  I32_ADD,
  I32_MUL,
  I32_SHL,
  i32,
  set,
  simd,
  singleFunctionKernel,
  floatBytes,
  V128,
  v128Load,
  v128Store,
} from './wasm-assembly.ts';

/** Transposes `count` `[rows, cols]` matrices at byte offset `from` into `[cols, rows]` ones at `to`; rows and cols multiples of 4. */
export type SimdTranspose = (from: number, to: number, rows: number, cols: number, count: number) => void;

// Parameters: 0 from, 1 to, 2 rows, 3 cols, 4 count. Locals below.
const M = 5;
const R = 6;
const C = 7;
const SRC = 8;
const DST = 9;
const ROW_BYTES = 10; // a source row: cols * 4
const OUT_ROW_BYTES = 11; // a destination row: rows * 4
const MATRIX_BYTES = 12;
const V = [13, 14, 15, 16]; // v128: four source rows
const T = [17, 18, 19, 20]; // v128: pairs interleaved

/** i8x16.shuffle picking float lanes (0-3 from the first operand, 4-7 from the second). */
const shuffle = (lanes: number[]) => simd(0x0d, ...lanes.flatMap((lane) => [0, 1, 2, 3].map((b) => lane * 4 + b)));
const LOW = shuffle([0, 4, 1, 5]);
const HIGH = shuffle([2, 6, 3, 7]);
const FIRST_HALVES = shuffle([0, 1, 4, 5]);
const SECOND_HALVES = shuffle([2, 3, 6, 7]);

/** `base + times * step` on the stack. */
const offset = (base: number, times: number, step: number) =>
  times === 0 ? get(base) : [...get(base), ...get(step), ...(times === 1 ? [] : [...i32(times), I32_MUL]), I32_ADD];

/** to = matrix + m * matrixBytes + (row * width + column) * 4, `matrix` and `width` parameters. */
const elementAddress = (matrix: number, row: number, width: number, column: number, to: number) => [
  ...get(matrix),
  ...get(M),
  ...get(MATRIX_BYTES),
  I32_MUL,
  I32_ADD,
  ...get(row),
  ...get(width),
  I32_MUL,
  ...get(column),
  I32_ADD,
  ...i32(2),
  I32_SHL,
  I32_ADD,
  ...set(to),
];

const block = [
  // src = from at (r, c) of a [rows, cols] matrix; dst = to at (c, r) of a [cols, rows] one.
  ...elementAddress(0, R, 3, C, SRC),
  ...elementAddress(1, C, 2, R, DST),
  ...V.flatMap((v, row) => [...offset(SRC, row, ROW_BYTES), ...v128Load, ...set(v)]),
  // t0 = a0 b0 a1 b1, t1 = a2 b2 a3 b3 (rows 0, 1); t2, t3 the same of rows 2, 3.
  ...[
    [T[0]!, V[0]!, V[1]!, LOW],
    [T[1]!, V[0]!, V[1]!, HIGH],
    [T[2]!, V[2]!, V[3]!, LOW],
    [T[3]!, V[2]!, V[3]!, HIGH],
  ].flatMap(([t, a, b, op]) => [...get(a as number), ...get(b as number), ...(op as number[]), ...set(t as number)]),
  // Column k of the block, rows 0-3, is a destination row's four values.
  ...[
    [T[0]!, T[2]!, FIRST_HALVES],
    [T[0]!, T[2]!, SECOND_HALVES],
    [T[1]!, T[3]!, FIRST_HALVES],
    [T[1]!, T[3]!, SECOND_HALVES],
  ].flatMap(([a, b, op], column) => [
    ...offset(DST, column, OUT_ROW_BYTES),
    ...get(a as number),
    ...get(b as number),
    ...(op as number[]),
    ...v128Store,
  ]),
];

const body = [
  ...floatBytes(3, ROW_BYTES),
  ...floatBytes(2, OUT_ROW_BYTES),
  ...get(ROW_BYTES),
  ...get(2),
  I32_MUL,
  ...set(MATRIX_BYTES),
  ...countedLoopFromZero(M, 4, 1, [
    // Down each block column, so the stores run along the destination's rows.
    ...countedLoopFromZero(C, 3, 4, [...countedLoopFromZero(R, 2, 4, block)]),
  ]),
  END,
];

/** The kernel over a memory, or undefined where WebAssembly or its SIMD is unavailable. */
export const simdTranspose = singleFunctionKernel<SimdTranspose>(
  'transpose',
  Array<number>(5).fill(I32),
  [
    [8, I32],
    [8, V128],
  ],
  body,
);
