/**
 * The wasm backend's two kernels that only move data, made to move less (tfjs-backend-wasm 4.22):
 *
 * - `Identity` copies its input into a new buffer. The engine runs it for every tensor an op
 *   saves for its gradient (`saveTensorsForBackwardMode` clones them) and for `tf.clone`, so a
 *   training step copied every saved input: a transformer's 640 kB token table, each layer's
 *   kernel and activations, about 7% of its step. Tensors are immutable, so the clone can share
 *   the buffer and count one more reference to it, as the CPU backend's `Identity` and the wasm
 *   backend's own `Reshape` do; the buffer is freed when its last tensor is.
 * - `GatherV2` along the first axis (an embedding lookup: rows of a table by id) runs in the
 *   backend as an element-by-element loop, about 2 ms for 1,024 ids of a 32-wide table, 10% of
 *   a text transformer's step. Here each id's row is one `copyWithin` over the heap. Other axes,
 *   batch dimensions and 1-byte types keep the backend's kernel.
 */
import * as tf from './tfjs.ts';
import { replaceWasmKernel, type KernelArgs, type WasmBackend } from './wasm-kernel-calls.ts';

function sharedIdentity(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { x } = args.inputs as { x: tf.TensorInfo };
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** A view of a tensor's buffer on the wasm heap. */
const onHeap = (backend: WasmBackend, t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array | Int32Array;

function gatherRows(original: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const backend = args.backend as WasmBackend;
    const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = (args.attrs ?? {}) as unknown as tf.GatherV2Attrs;
    const fourBytes = x.dtype === 'float32' || x.dtype === 'int32';
    if (tf.util.parseAxisParam(axis, x.shape)[0] !== 0 || batchDims !== 0 || !fourBytes || indices.dtype !== 'int32')
      return original(args as Parameters<tf.KernelFunc>[0]);
    const [rows = 0, ...rowShape] = x.shape;
    const rowSize = tf.util.sizeFromShape(rowShape);
    const ids = onHeap(backend, indices);
    for (const id of ids)
      if (!(id >= 0 && id < rows)) throw new Error(`GatherV2: the index value ${id} is not in [0, ${rows - 1}]`);
    const count = ids.length;
    // Made before any view of the heap is taken: allocating may grow (and so detach) it.
    const out = backend.makeOutput([...indices.shape, ...rowShape], x.dtype);
    if (count === 0 || rowSize === 0) return out;
    const target = onHeap(backend, out);
    const heap = new Int32Array(target.buffer);
    const from = onHeap(backend, x).byteOffset / 4;
    const to = target.byteOffset / 4;
    const idsAt = onHeap(backend, indices).byteOffset / 4;
    for (let i = 0; i < count; i++) {
      const start = from + heap[idsAt + i]! * rowSize;
      heap.copyWithin(to + i * rowSize, start, start + rowSize);
    }
    return out;
  }) as tf.KernelFunc;
}

/** Puts the two kernels in place of the wasm backend's (see the file comment). Idempotent. */
export function registerWasmCopyKernels(): void {
  replaceWasmKernel('Identity', () => sharedIdentity as tf.KernelFunc);
  replaceWasmKernel('GatherV2', gatherRows);
}
