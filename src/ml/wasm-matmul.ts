/**
 * `BatchMatMul` on wasm with its transposes made explicit. The backend's kernel hands plain
 * products to XNNPACK but computes any product with `transposeA` or `transposeB` in a naive
 * loop, about 7x slower at attention sizes (1.8 ms against 0.26 ms for a Transpose then the
 * plain product); every matMul gradient asks for one of those (dA = dy x B^T, dB = A^T x dy),
 * as does attention's Q x K^T. Transposing first gives the same sums in the same order.
 */
import * as tf from './tfjs.ts';
import { simdMemory, transposed, type SimdProduct, type WasmMemory } from './simd-product.ts';
import { withIntermediates, type KernelArgs, type WasmBackend } from './wasm-kernel-calls.ts';

/** Floats one batched product may hold in the SIMD kernel's memory (a, b and out): 64 MB. */
const MAX_BATCHED_FLOATS = 16 * 1024 * 1024;

let arena: { memory: WasmMemory; product: SimdProduct; floats: number } | null | undefined;

/** The SIMD kernel over a memory of at least `floats` floats (null: no SIMD here). */
function simdArena(floats: number) {
  if (arena === null) return null;
  if (arena === undefined || arena.floats < floats) {
    const made = simdMemory(floats * 4);
    arena = made ? { ...made, floats } : null;
  }
  return arena;
}

/**
 * A batched product (batch > 1, as attention's per-head products are) on the dense step's SIMD
 * kernel: the backend runs those in a scalar loop rather than XNNPACK, the largest cost of a small
 * transformer's training step. Each matrix is copied into the kernel's memory as the kernel
 * reads it (a as `[m, depth]`, b as `[n, depth]`), multiplied there, and the products copied out.
 * Undefined where it does not apply (broadcast batches, other dtypes, no SIMD, too large).
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
  // 16-byte aligned blocks for the kernel's vector loads.
  const align = (floats: number) => Math.ceil(floats / 4) * 4;
  const aFloats = align(batch * m * depth);
  const bFloats = align(batch * n * depth);
  const outFloats = batch * m * n;
  if (aFloats + bFloats + outFloats > MAX_BATCHED_FLOATS) return undefined;
  const kernel = simdArena(aFloats + bFloats + outFloats);
  if (!kernel) return undefined;
  const heap = new Float32Array(kernel.memory.buffer);
  const aHere = heap.subarray(0, aFloats);
  const bHere = heap.subarray(aFloats, aFloats + bFloats);
  const aData = backend.typedArrayFromHeap(a) as Float32Array;
  const bData = backend.typedArrayFromHeap(b) as Float32Array;
  if (transposeA) transposed(aData, aHere, aRows, aCols, batch);
  else aHere.set(aData);
  if (transposeB) bHere.set(bData);
  else transposed(bData, bHere, bRows, bCols, batch);
  const outStart = aFloats + bFloats;
  for (let i = 0; i < batch; i++)
    kernel.product(i * m * depth * 4, (aFloats + i * n * depth) * 4, (outStart + i * m * n) * 4, m, n, depth);
  const out = backend.makeOutput([...leading, m, n], 'float32');
  // After makeOutput, which may grow (and so move) the backend's heap.
  (backend.typedArrayFromHeap(out) as Float32Array).set(heap.subarray(outStart, outStart + outFloats));
  return out;
}

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
    const batched = batchedOnSimd(backend, a, b, attrs.transposeA, attrs.transposeB);
    if (batched) return batched;
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
