/**
 * Calling the wasm backend's own kernel functions from inside another kernel. Going through
 * `tf.*` ops there would re-enter the engine (recording on the gradient tape, tracking the
 * intermediates as tensors); calling kernel functions on TensorInfos is how backends compose
 * kernels, and the caller disposes intermediates with `backend.disposeData`.
 */
import * as tf from './tfjs.ts';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { WasmMemory } from './wasm-assembly.ts';

/** The wasm backend instance a kernel function receives. */
export type WasmBackend = BackendWasm;

/** Runs the wasm kernel `name` on TensorInfos; throws if that kernel is not registered. */
export function runWasmKernel(
  name: string,
  backend: WasmBackend,
  inputs: tf.NamedTensorInfoMap,
  attrs: Record<string, unknown> = {},
): tf.TensorInfo {
  const kernel = tf.getKernel(name, 'wasm');
  if (kernel === undefined) throw new Error(`The wasm backend has no '${name}' kernel to compose with.`);
  const out = kernel.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap });
  if (Array.isArray(out)) throw new Error(`The wasm kernel '${name}' returned several outputs; expected one.`);
  return out;
}

/** What the engine hands a kernel function: input TensorInfos, the backend, the op's attributes. */
export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}

/**
 * Runs `compose`, which passes each intermediate it makes through `keep`, and disposes those
 * intermediates afterwards, whether it returned or threw: kernels compose on TensorInfos, which
 * no engine scope tracks. What `compose` returns is not kept, so it is the caller's.
 */
export function withIntermediates(
  backend: WasmBackend,
  compose: (keep: (t: tf.TensorInfo) => tf.TensorInfo) => tf.TensorInfo,
): tf.TensorInfo {
  const temps: tf.TensorInfo[] = [];
  const keep = (t: tf.TensorInfo): tf.TensorInfo => {
    temps.push(t);
    return t;
  };
  try {
    return compose(keep);
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

/** Kernel functions put in place of the backend's by replaceWasmKernel, so replacing again never wraps one twice. */
const replaced = new WeakSet<tf.KernelFunc>();

/**
 * Puts `faster(original)` in place of the wasm backend's kernel `name`, keeping the rest of its
 * config: the backend's setup binds its own kernel's WebAssembly function, which `original`
 * still needs where it falls back. Idempotent; a no-op where the backend has no such kernel.
 */
export function replaceWasmKernel(name: string, faster: (original: tf.KernelFunc) => tf.KernelFunc): void {
  const kernel = tf.getKernel(name, 'wasm');
  if (kernel === undefined || replaced.has(kernel.kernelFunc)) return;
  const kernelFunc = faster(kernel.kernelFunc);
  replaced.add(kernelFunc);
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ ...kernel, kernelFunc });
}

/**
 * One of our SIMD kernels instantiated over the backend's own memory (the Emscripten module's
 * exported memory), once per backend: it reads and writes tensors where they lie, with no copy.
 * The lookup answers null where the engine has no SIMD or the backend exposes no memory; callers
 * then keep the backend's kernel.
 */
export function onBackendMemory<K>(make: (memory: WasmMemory) => K | undefined): (backend: WasmBackend) => K | null {
  const made = new WeakMap<WasmBackend, K | null>();
  return (backend) => {
    let kernel = made.get(backend);
    if (kernel === undefined) {
      try {
        const memory = (backend as unknown as { wasm?: { asm?: { memory?: WasmMemory } } }).wasm?.asm?.memory;
        kernel = (memory && make(memory)) ?? null;
      } catch {
        // A memory our modules cannot import (a shared one, in a threaded build): the backend's kernels.
        kernel = null;
      }
      made.set(backend, kernel);
    }
    return kernel;
  };
}
