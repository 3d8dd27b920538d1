/**
 * `Sum` over a tensor's leading axes on the wasm backend as column sums, without a transpose.
 * The backend's kernel reduces only innermost axes, so it first transposes the whole input; the
 * gradient of every broadcast add (a bias, a position table, a normalisation's offset) is such a
 * sum of `dy` over the batch and space or time axes. Seen as `[rows, columns]`, it is one pass of
 * the SIMD column-sum kernel (simd-column-sums.ts) over the backend's own memory, in place: the
 * same float32 sums, in the same order, as the backend's kernel. (A row of ones times the input
 * on XNNPACK, used before, packed the input as a product's weights on every call: about 240 µs
 * for a CNN's first-layer bias gradient, against 5 µs here.) Other axes, types other than
 * float32, and engines without SIMD keep the backend's kernel.
 */
import * as tf from './tfjs.ts';
import { simdColumnSums } from './simd-column-sums.ts';
import { onBackendMemory, replaceWasmKernel, type KernelArgs, type WasmBackend } from './wasm-kernel-calls.ts';

const columnSumsOf = onBackendMemory(simdColumnSums);

function leadingSum(original: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const backend = args.backend as WasmBackend;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = (args.attrs ?? {}) as unknown as tf.SumAttrs;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((a, i) => a === i);
    const kernel = columnSumsOf(backend);
    if (!leading || !kernel || x.dtype !== 'float32' || tf.util.sizeFromShape(x.shape) === 0)
      return original(args as Parameters<tf.KernelFunc>[0]);
    const kept = x.shape.slice(axes.length);
    const out = backend.makeOutput(keepDims ? [...axes.map(() => 1), ...kept] : kept, 'float32');
    // Offsets after makeOutput, which may grow (and so move) the heap.
    const sums = backend.typedArrayFromHeap(out);
    const input = backend.typedArrayFromHeap(x);
    kernel(input.byteOffset, sums.byteOffset, tf.util.sizeFromShape(x.shape.slice(0, axes.length)), sums.length);
    return out;
  }) as tf.KernelFunc;
}

/** Puts the leading-axes sum in place of the wasm backend's `Sum` (see the file comment). Idempotent. */
export function registerWasmLeadingSum(): void {
  replaceWasmKernel('Sum', leadingSum);
}
