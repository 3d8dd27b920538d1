/**
 * `BatchMatMul` on wasm with its transposes made explicit. The backend's kernel hands plain
 * products to XNNPACK but computes any product with `transposeA` or `transposeB` in a naive
 * loop, about 7x slower at attention sizes (1.8 ms against 0.26 ms for a Transpose then the
 * plain product); every matMul gradient asks for one of those (dA = dy x B^T, dB = A^T x dy),
 * as does attention's Q x K^T. Transposing first gives the same sums in the same order.
 */
import * as tf from '@tensorflow/tfjs';
import { withIntermediates, type KernelArgs, type WasmBackend } from './wasm-kernel-calls.ts';

/** Swaps the last two axes of a rank >= 2 TensorInfo with the wasm Transpose kernel. */
function transposeInner(backend: WasmBackend, x: tf.TensorInfo): tf.TensorInfo {
  const perm = x.shape.map((_, axis) => axis);
  const rank = perm.length;
  [perm[rank - 2], perm[rank - 1]] = [rank - 1, rank - 2];
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (transpose === undefined) throw new Error("The wasm backend has no 'Transpose' kernel to compose with.");
  return transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
}

/**
 * Wraps the wasm backend's own `BatchMatMul` (its setup included); idempotent, and a no-op
 * when there is no wasm BatchMatMul to wrap.
 */
export function registerWasmBatchMatMul(): void {
  const original = tf.getKernel('BatchMatMul', 'wasm');
  if (original === undefined || (original as { explicitTransposes?: boolean }).explicitTransposes) return;
  const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as WasmBackend;
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const attrs = (args.attrs ?? {}) as unknown as tf.BatchMatMulAttrs;
    const call = (inputs: tf.NamedTensorInfoMap, transposeA: boolean, transposeB: boolean) =>
      original.kernelFunc({ inputs, backend, attrs: { transposeA, transposeB } }) as tf.TensorInfo;
    if (!attrs.transposeA && !attrs.transposeB) return call({ a, b }, false, false);
    return withIntermediates(backend, (keep) =>
      call(
        {
          a: attrs.transposeA ? keep(transposeInner(backend, a)) : a,
          b: attrs.transposeB ? keep(transposeInner(backend, b)) : b,
        },
        false,
        false,
      ),
    );
  };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: kernelFunc as tf.KernelFunc,
    explicitTransposes: true,
  } as tf.KernelConfig);
}
