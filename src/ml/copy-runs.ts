/**
 * Runs of bytes copied in one call into WebAssembly: a table of (destination, source, length)
 * triples, each run one `memory.copy` (the engine's memmove). Building a convolution's patches
 * takes about a thousand runs a call; copied from JavaScript, each would pay a call into the
 * engine, or a loop of element moves.
 */
import { countedLoop, END, get, I32, I32_ADD, I32_MUL, i32, set, singleFunctionKernel } from './wasm-assembly.ts';

/** Copies `count` runs listed at byte offset `table` (int32 triples: to, from, bytes, relative to `toBase` and `fromBase`). */
export type CopyRuns = (table: number, count: number, fromBase: number, toBase: number) => void;

const I32_LOAD = 0x28;
/** memory.copy from memory 0 to memory 0: (to, from, bytes) on the stack. */
const MEMORY_COPY = [0xfc, 0x0a, 0x00, 0x00];

// Parameters: 0 table, 1 count, 2 fromBase, 3 toBase. Locals below.
const AT = 4; // the triple's address
const END_AT = 5;

/** The triple's field (0 to, 1 from, 2 bytes). */
const field = (index: number) => [...get(AT), I32_LOAD, 2, index * 4];

const body = [
  ...get(0),
  ...set(AT),
  ...get(1),
  ...i32(12),
  I32_MUL,
  ...get(0),
  I32_ADD,
  ...set(END_AT),
  ...countedLoop(AT, END_AT, 12, [
    ...get(3),
    ...field(0),
    I32_ADD,
    ...get(2),
    ...field(1),
    I32_ADD,
    ...field(2),
    ...MEMORY_COPY,
  ]),
  END,
];

/** The kernel over a memory, or undefined where WebAssembly or its bulk memory is unavailable. */
export const copyRuns = singleFunctionKernel<CopyRuns>('copyRuns', [I32, I32, I32, I32], [[2, I32]], body);
