/**
 * `UnsortedSegmentSum` for the wasm backend: the gradient of `gather`, hence of every
 * embedding layer. The CPU kernel loops once per segment (once per vocabulary entry, each a
 * pass over the whole gradient); here it is one `ScatterNd`, which adds rows that share an
 * index, exactly the segment-sum semantics.
 */
import type * as tf from './tfjs.ts';
import { runWasmKernel, withIntermediates, type KernelArgs, type WasmBackend } from './wasm-kernel-calls.ts';

function unsortedSegmentSumWasm(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const numSegments = Number((args.attrs ?? {}).numSegments);
  const idsRank = segmentIds.shape.length;
  const idsShape = x.shape.slice(0, idsRank);
  if (idsShape.join(',') !== segmentIds.shape.join(',')) {
    throw new Error(`UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must prefix x shape [${x.shape}].`);
  }
  const inner = x.shape.slice(idsRank);
  const ids = Int32Array.from(backend.readSync(segmentIds.dataId) as ArrayLike<number>);
  // TensorFlow drops ids outside [0, numSegments); ScatterNd would write out of bounds.
  const kept: number[] = [];
  ids.forEach((id, i) => {
    if (id >= 0 && id < numSegments) kept.push(i);
  });

  return withIntermediates(backend, (keep) => {
    let rows = keep(runWasmKernel('Reshape', backend, { x }, { shape: [ids.length, ...inner] }));
    let indexValues = ids;
    if (kept.length < ids.length) {
      const positions = keep(backend.makeOutput([kept.length], 'int32', undefined, Int32Array.from(kept)));
      rows = keep(runWasmKernel('GatherV2', backend, { x: rows, indices: positions }, { axis: 0, batchDims: 0 }));
      indexValues = Int32Array.from(kept, (i) => ids[i] ?? 0);
    }
    if (indexValues.length === 0) {
      return runWasmKernel('Fill', backend, {}, { shape: [numSegments, ...inner], value: 0, dtype: x.dtype });
    }
    const indices = keep(backend.makeOutput([indexValues.length, 1], 'int32', undefined, indexValues));
    return runWasmKernel('ScatterNd', backend, { indices, updates: rows }, { shape: [numSegments, ...inner] });
  });
}

/** Kernel config registered by `registerWasmTrainingKernels`. */
export const unsortedSegmentSumWasmConfig: tf.KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSumWasm as tf.KernelFunc,
};
