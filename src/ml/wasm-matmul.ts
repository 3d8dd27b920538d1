/**
 * `BatchMatMul` on wasm with its transposes made explicit. The backend's kernel hands plain
 * products to XNNPACK but computes any product with `transposeA` or `transposeB` in a naive
 * loop, about 7x slower at attention sizes (1.8 ms against 0.26 ms for a Transpose then the
 * plain product); every matMul gradient asks for one of those (dA = dy x B^T, dB = A^T x dy),
 * as does attention's Q x K^T. Transposing first gives XNNPACK's sums of the plain product.
 * Batched products and single weight gradients (aᵀ · b) run on our SIMD product instead (below),
 * whose float32 sums add four lanes apart: the same within float32 rounding, not to the bit.
 */
import * as tf from './tfjs.ts';
import { simdProduct } from './simd-product.ts';
import { simdTranspose } from './simd-transpose.ts';
import { onBackendMemory, withIntermediates, type KernelArgs, type WasmBackend } from './wasm-kernel-calls.ts';

const transposeOf = onBackendMemory(simdTranspose);
const productOf = onBackendMemory(simdProduct);

/**
 * A batched product (batch > 1, as attention's per-head products are) on the dense step's SIMD
 * kernel over the backend's own memory: the backend runs those in a scalar loop rather than
 * XNNPACK, the largest cost of a small transformer's training step (productsOnSimd).
 * Undefined where it does not apply (broadcast batches, other dtypes, no SIMD).
 * Batch axes may be several (`[batch, heads, m, k]`): they are one run of matrices either way.
 */
function batchedOnSimd(
  backend: WasmBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): tf.TensorInfo | undefined {
  const rank = a.shape.length;
  if (rank < 3 || b.shape.length !== rank || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  const leading = a.shape.slice(0, -2);
  if (leading.some((size, axis) => b.shape[axis] !== size)) return undefined;
  const batch = leading.reduce((x, y) => x * y, 1);
  const [aRows, aCols] = a.shape.slice(-2) as [number, number];
  const [bRows, bCols] = b.shape.slice(-2) as [number, number];
  if (batch < 2) return undefined;
  const [m, depth] = transposeA ? [aCols, aRows] : [aRows, aCols];
  const n = transposeB ? bRows : bCols;
  if ((transposeB ? bCols : bRows) !== depth) return undefined;
  return productsOnSimd(backend, a, b, transposeA, transposeB, { leading, batch, m, n, depth });
}

/**
 * `batch` products of `[m, depth]` by `[depth, n]` matrices on the SIMD product over the
 * backend's memory, into an output of shape `[...leading, m, n]`: each operand put in the
 * kernel's `a · bᵀ` form where it lies (a as `[m, depth]`, b as `[n, depth]`, transposed by
 * transposeInner where it is not), then multiplied matrix by matrix. Undefined without SIMD.
 */
function productsOnSimd(
  backend: WasmBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  { leading, batch, m, n, depth }: { leading: number[]; batch: number; m: number; n: number; depth: number },
): tf.TensorInfo | undefined {
  const product = productOf(backend);
  if (!product) return undefined;
  return withIntermediates(backend, (keep) => {
    const aRowsOfDepth = transposeA ? keep(transposeInner(backend, a)) : a;
    const bRowsOfDepth = transposeB ? b : keep(transposeInner(backend, b));
    const out = backend.makeOutput([...leading, m, n], 'float32');
    // Offsets after makeOutput, which may grow (and so move) the heap.
    const [aAt, bAt, outAt] = [aRowsOfDepth, bRowsOfDepth, out].map((t) => backend.typedArrayFromHeap(t).byteOffset);
    for (let i = 0; i < batch; i++)
      product(aAt! + i * m * depth * 4, bAt! + i * n * depth * 4, outAt! + i * m * n * 4, m, n, depth);
    return out;
  });
}

/**
 * Swaps the last two axes of a rank >= 2 TensorInfo: with the SIMD transpose over the backend's
 * memory when both are multiples of four (simd-transpose.ts, about 8 µs for `[1024, 32]`
 * against the backend's 110 µs), otherwise with the backend's Transpose kernel.
 */
function transposeInner(backend: WasmBackend, x: tf.TensorInfo): tf.TensorInfo {
  const rank = x.shape.length;
  const [rows, cols] = x.shape.slice(-2) as [number, number];
  const kernel = transposeOf(backend);
  if (kernel && x.dtype === 'float32' && rows % 4 === 0 && cols % 4 === 0) {
    const out = backend.makeOutput([...x.shape.slice(0, -2), cols, rows], 'float32');
    // Offsets after makeOutput, which may grow (and so move) the heap.
    const to = backend.typedArrayFromHeap(out);
    const count = to.length / (rows * cols);
    if (count > 0) kernel(backend.typedArrayFromHeap(x).byteOffset, to.byteOffset, rows, cols, count);
    return out;
  }
  const perm = x.shape.map((_, axis) => axis);
  [perm[rank - 2], perm[rank - 1]] = [rank - 1, rank - 2];
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (transpose === undefined) throw new Error("The wasm backend has no 'Transpose' kernel to compose with.");
  return transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
}

/**
 * aᵀ · b for single float32 matrices (a `[depth, m]`, b `[depth, n]`, as every dense layer's
 * weight gradient xᵀ · dy is) on the SIMD product over the backend's memory (productsOnSimd):
 * both transposed there to the product's `a · bᵀ` form, then multiplied in place. XNNPACK would take b as a
 * product's weights and pack it anew on every call, since the gradient is new each step: about
 * 310 µs for `[1024, 32]ᵀ x [1024, 32]` (218 µs after the fast transpose), against 117 µs here.
 * Undefined where it does not apply.
 */
function transposedAOnSimd(backend: WasmBackend, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo | undefined {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  if (a.shape.slice(0, -2).some((size) => size !== 1) || b.shape.slice(0, -2).some((size) => size !== 1))
    return undefined;
  const [depth, m] = a.shape.slice(-2) as [number, number];
  const [bDepth, n] = b.shape.slice(-2) as [number, number];
  if (bDepth !== depth || depth % 4 !== 0 || m % 4 !== 0 || n % 4 !== 0) return undefined;
  // Unit batch axes as the backend's kernel broadcasts them: the longer of the two.
  const leading = (a.shape.length >= b.shape.length ? a : b).shape.slice(0, -2);
  return productsOnSimd(backend, a, b, true, false, { leading, batch: 1, m, n, depth });
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
    const batched = batchedOnSimd(backend, a, b, attrs.transposeA, attrs.transposeB);
    if (batched) return batched;
    const weightGradient = attrs.transposeA && !attrs.transposeB ? transposedAOnSimd(backend, a, b) : undefined;
    if (weightGradient) return weightGradient;
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
