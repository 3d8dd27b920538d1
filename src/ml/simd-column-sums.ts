/**
 * Column sums of a row-major float32 matrix as a WebAssembly SIMD kernel: out[c] = Σ_r x[r, c],
 * four columns per lane group, sixteen at a time, then four, then one. Each column's sum starts
 * at zero and adds the rows in order in float32, as the backend's own `Sum` adds each output's
 * values, so the sums are that kernel's to the bit; lanes only keep four columns apart.
 */
import {
  countedLoop,
  countedLoopFromZero,
  END,
  F32,
  F32_ADD,
  F32_LOAD,
  F32_STORE,
  f32x4Add,
  f32x4Splat,
  f32Zero,
  get,
  I32,
  I32_ADD,
  I32_SHL,
  i32,
  set,
  singleFunctionKernel,
  roundedDown,
  floatBytes,
  V128,
  v128Load,
  v128Store,
} from './wasm-assembly.ts';

/** Sums the `rows` x `cols` matrix at byte offset `x` into the `cols` floats at byte offset `out`. */
export type SimdColumnSums = (x: number, out: number, rows: number, cols: number) => void;

// Parameters: 0 x, 1 out, 2 rows, 3 cols. Locals below.
const C = 4;
const R = 5;
const COLS16 = 6;
const COLS4 = 7;
const ROW_BYTES = 8;
const AT = 9;
const ACC = [10, 11, 12, 13]; // v128
const S = 14; // f32

/** at = x + c * 4; r = 0 */
const startColumn = [...get(0), ...get(C), ...i32(2), I32_SHL, I32_ADD, ...set(AT), ...i32(0), ...set(R)];
/** out + c * 4 + lane * 16 */
const outAt = (lane: number) => [...get(1), ...get(C), ...i32(2), I32_SHL, I32_ADD, ...i32(lane * 16), I32_ADD];
/** at += rowBytes */
const nextRow = [...get(AT), ...get(ROW_BYTES), I32_ADD, ...set(AT)];

/** Columns c..c+4*lanes summed over every row in `lanes` vector accumulators, then stored. */
const vectorColumns = (lanes: number) => [
  ...ACC.slice(0, lanes).flatMap((acc) => [...f32Zero, ...f32x4Splat, ...set(acc)]),
  ...startColumn,
  ...countedLoop(R, 2, 1, [
    ...ACC.slice(0, lanes).flatMap((acc, lane) => [
      ...get(acc),
      ...get(AT),
      ...i32(lane * 16),
      I32_ADD,
      ...v128Load,
      ...f32x4Add,
      ...set(acc),
    ]),
    ...nextRow,
  ]),
  ...ACC.slice(0, lanes).flatMap((acc, lane) => [...outAt(lane), ...get(acc), ...v128Store]),
];

const body = [
  // cols16 = cols & ~15; cols4 = cols & ~3; rowBytes = cols * 4; c = 0
  ...roundedDown(3, 16, COLS16),
  ...roundedDown(3, 4, COLS4),
  ...floatBytes(3, ROW_BYTES),
  ...countedLoopFromZero(C, COLS16, 16, vectorColumns(4)),
  ...countedLoop(C, COLS4, 4, vectorColumns(1)),
  ...countedLoop(C, 3, 1, [
    ...f32Zero,
    ...set(S),
    ...startColumn,
    ...countedLoop(R, 2, 1, [...get(S), ...get(AT), F32_LOAD, 2, 0, F32_ADD, ...set(S), ...nextRow]),
    ...outAt(0),
    ...get(S),
    F32_STORE,
    2,
    0,
  ]),
  END,
];

/** The kernel over a memory, or undefined where WebAssembly or its SIMD is unavailable. */
export const simdColumnSums = singleFunctionKernel<SimdColumnSums>(
  'columnSums',
  Array<number>(4).fill(I32),
  [
    [6, I32],
    [4, V128],
    [1, F32],
  ],
  body,
);
