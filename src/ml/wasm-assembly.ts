/**
 * The few pieces of the WebAssembly binary format our hand-assembled kernels need
 * (simd-product.ts, simd-adam.ts): opcodes, LEB128 numbers, sections, locals, counted loops,
 * and the import of the memory the kernels share. No toolchain and no package: the modules are
 * small enough to write out byte by byte, and assembling them at run time keeps them beside the
 * JavaScript they replace.
 */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export const BLOCK = 0x02;
export const LOOP = 0x03;
export const VOID = 0x40;
export const END = 0x0b;
export const BR = 0x0c;
export const BR_IF = 0x0d;
export const GET = 0x20;
export const SET = 0x21;
export const F32_LOAD = 0x2a;
export const F32_STORE = 0x38;
export const I32_CONST = 0x41;
export const F32_CONST = 0x43;
export const I32_GE_S = 0x4e;
export const I32_ADD = 0x6a;
export const I32_MUL = 0x6c;
export const I32_AND = 0x71;
export const I32_SHL = 0x74;
export const F32_ADD = 0x92;
export const F32_MUL = 0x94;
export const F32_DIV = 0x95;
export const F32_SQRT = 0x91;
export const SIMD = 0xfd;

export function uleb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

export function sleb(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      bytes.push(byte);
      return bytes;
    }
    bytes.push(byte | 0x80);
  }
}

export const simd = (op: number, ...rest: number[]) => [SIMD, ...uleb(op), ...rest];
export const v128Load = simd(0x00, 4, 0); // align 2^4, offset 0
export const v128Store = simd(0x0b, 4, 0);
export const f32x4Splat = simd(0x13);
export const f32x4Add = simd(0xe4);
export const f32x4Mul = simd(0xe6);
export const f32x4Div = simd(0xe7);
export const f32x4Sqrt = simd(0xe3);
export const extract = (lane: number) => simd(0x1f, lane);
export const get = (local: number) => [GET, local];
export const set = (local: number) => [SET, local];
export const i32 = (value: number) => [I32_CONST, ...sleb(value)];
export const f32Zero = [F32_CONST, 0, 0, 0, 0];
export const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
export const vector = (items: number[][]) => [...uleb(items.length), ...items.flat()];

/** to = from & ~(multiple - 1): `from` rounded down to a multiple of a power of two. */
export const roundedDown = (from: number, multiple: number, to: number) => [
  ...get(from),
  ...i32(-multiple),
  I32_AND,
  ...set(to),
];

/** to = from * 4: a count of floats as bytes. */
export const floatBytes = (from: number, to: number) => [...get(from), ...i32(2), I32_SHL, ...set(to)];

/** for (; counter < limit; counter += step) body, `limit` a local; the counter starts as it is. */
export const countedLoop = (counter: number, limit: number, step: number, body: number[]) => [
  BLOCK,
  VOID,
  LOOP,
  VOID,
  ...get(counter),
  ...get(limit),
  I32_GE_S,
  BR_IF,
  1,
  ...body,
  ...get(counter),
  ...i32(step),
  I32_ADD,
  ...set(counter),
  BR,
  0,
  END,
  END,
];

/** countedLoop with its counter set to zero first. */
export const countedLoopFromZero = (counter: number, limit: number, step: number, body: number[]) => [
  ...i32(0),
  ...set(counter),
  ...countedLoop(counter, limit, step, body),
];

const WASM_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** A name as the binary format spells it: its length, then its bytes (ASCII here). */
const name = (text: string) => [...uleb(text.length), ...[...text].map((c) => c.charCodeAt(0))];

/**
 * A module of one function, exported as `exported`, taking `params` (value types) and returning
 * nothing, with `locals` (counts by value type) and `body` (its code up to and including the
 * final END), over an imported `env.memory` of at least one page, which every kernel shares.
 */
export function singleFunctionModule(
  exported: string,
  params: number[],
  locals: Array<[count: number, type: number]>,
  body: number[],
): Uint8Array {
  const code = [...vector(locals.map(([count, type]) => [...uleb(count), type])), ...body];
  return Uint8Array.from([
    ...WASM_HEADER,
    // type 0: (params) -> ()
    ...section(1, vector([[0x60, ...vector(params.map((type) => [type])), 0]])),
    // import env.memory (min 1 page)
    ...section(2, [...uleb(1), ...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]),
    ...section(3, vector([uleb(0)])),
    ...section(7, [...uleb(1), ...name(exported), 0x00, ...uleb(0)]),
    ...section(10, vector([[...uleb(code.length), ...code]])),
  ]);
}

/** The parts of the WebAssembly API used here (the project's type libraries do not declare it). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
/** The engine's WebAssembly, where it has one. */
export const webAssembly = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/**
 * `bytes()` compiled on first use and kept; undefined where there is no WebAssembly or the engine
 * rejects the module (no SIMD).
 */
export function compiledOnce(bytes: () => Uint8Array): () => object | undefined {
  let compiled: object | null | undefined;
  return () => {
    if (compiled === undefined) {
      try {
        compiled = webAssembly ? new webAssembly.Module(bytes()) : null;
      } catch {
        compiled = null;
      }
    }
    return compiled ?? undefined;
  };
}

/** The exports of `module` instantiated over `memory` (its `env.memory` import). */
export function instantiated(module: object, memory: WasmMemory): Record<string, unknown> {
  return new webAssembly!.Instance(module, { env: { memory } }).exports;
}

/**
 * A kernel of one function (see singleFunctionModule), compiled on first use: for a memory, the
 * function instantiated over it, or undefined where there is no WebAssembly or no SIMD.
 */
export function singleFunctionKernel<K>(
  exported: string,
  params: number[],
  locals: Array<[count: number, type: number]>,
  body: number[],
): (memory: WasmMemory) => K | undefined {
  const compiled = compiledOnce(() => singleFunctionModule(exported, params, locals, body));
  return (memory) => {
    const module = compiled();
    return module ? (instantiated(module, memory)[exported] as K) : undefined;
  };
}
