/**
 * `Sum` over a tensor's leading axes on the wasm backend as one product, without a transpose.
 * The backend's kernel reduces only innermost axes, so it first transposes the whole input; the
 * gradient of every broadcast add (a bias, a position table, a normalisation's offset) is such a
 * sum of `dy` over the batch and time axes, and its transposes were about 5% of a text
 * transformer's step. A sum over the leading axes is a row of ones times the input seen as
 * `[rows, columns]`, which the backend's own product runs on XNNPACK: 2-5x faster than the
 * transpose and sum at those sizes (a plain JavaScript loop was no faster than the backend).
 * Other axes, and types other than float32, keep the backend's kernel.
 */
import * as tf from './tfjs.ts';
import {
  replaceWasmKernel,
  runWasmKernel,
  withIntermediates,
  type KernelArgs,
  type WasmBackend,
} from './wasm-kernel-calls.ts';

function leadingSum(original: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const backend = args.backend as WasmBackend;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = (args.attrs ?? {}) as unknown as tf.SumAttrs;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((a, i) => a === i);
    if (!leading || x.dtype !== 'float32' || tf.util.sizeFromShape(x.shape) === 0)
      return original(args as Parameters<tf.KernelFunc>[0]);
    const kept = x.shape.slice(axes.length);
    const rows = tf.util.sizeFromShape(x.shape.slice(0, axes.length));
    const product = withIntermediates(backend, (keep) => {
      const ones = keep(backend.makeOutput([1, 1, rows], 'float32'));
      (backend.typedArrayFromHeap(ones) as Float32Array).fill(1);
      // The input as [1, rows, columns]: the same buffer, which the product only reads.
      const matrix = { dataId: x.dataId, shape: [1, rows, tf.util.sizeFromShape(kept)], dtype: x.dtype };
      return runWasmKernel('BatchMatMul', backend, { a: ones, b: matrix }, { transposeA: false, transposeB: false });
    });
    return { ...product, shape: keepDims ? [...axes.map(() => 1), ...kept] : kept };
  }) as tf.KernelFunc;
}

/** Puts the leading-axes sum in place of the wasm backend's `Sum` (see the file comment). Idempotent. */
export function registerWasmLeadingSum(): void {
  replaceWasmKernel('Sum', leadingSum);
}
