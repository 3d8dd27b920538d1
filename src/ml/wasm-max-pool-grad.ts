/**
 * The gradient of max pooling on the wasm backend (registered by registerWasmTrainingKernels in
 * wasm-conv-gradients.ts, in place of the backend's own).
 */
import * as tf from './tfjs.ts';
import { simdMaxPoolGrad2x2 } from './simd-max-pool-grad.ts';
import { onBackendMemory, type KernelArgs, type WasmBackend } from './wasm-kernel-calls.ts';

const maxPoolGrad2x2Of = onBackendMemory(simdMaxPoolGrad2x2);

/**
 * Max pooling's gradient, in JavaScript over the wasm heap: each window's first maximum (in scan
 * order, as the CPU kernel picks it) receives the window's dy. tfjs-backend-wasm 4.22's own
 * `MaxPoolGrad` (and `MaxPoolWithArgmax`) starts each window's maximum at 0, so every window
 * without a positive value sends its gradient to the wrong place: pooling after a tanh or linear
 * convolution trained on wrong gradients. It was also a loop over every input position and
 * window, the largest cost of a small CNN's step after its convolutions; this visits each
 * window's cells once, and 2x2 windows of channels in fours run as a SIMD kernel
 * (simd-max-pool-grad.ts) that picks the same cells.
 */
export function maxPoolGradWasm(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const attrs = (args.attrs ?? {}) as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { effectiveFilterHeight, effectiveFilterWidth } = info;
  const { top, left } = info.padInfo;
  const out = backend.makeOutput(input.shape, 'float32');
  // Views after makeOutput, which may grow (and so move) the heap.
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const gradient = backend.typedArrayFromHeap(dy) as Float32Array;
  const plain2x2 =
    effectiveFilterHeight === 2 &&
    effectiveFilterWidth === 2 &&
    strideHeight === 2 &&
    strideWidth === 2 &&
    top === 0 &&
    left === 0 &&
    info.padInfo.bottom === 0 &&
    info.padInfo.right === 0;
  const simd = plain2x2 && channels % 4 === 0 && input.dtype === 'float32' ? maxPoolGrad2x2Of(backend) : null;
  // The windows write every cell they cover; only odd sizes leave a last row or column to zero.
  if (!simd || inHeight !== 2 * outHeight || inWidth !== 2 * outWidth) dx.fill(0);
  if (simd) {
    simd(x.byteOffset, gradient.byteOffset, dx.byteOffset, batchSize, inHeight, outHeight, inWidth, outWidth, channels);
    return out;
  }
  if (plain2x2) {
    maxPoolGrad2x2(x, gradient, dx, { batchSize, inHeight, inWidth, channels, outHeight, outWidth });
    return out;
  }
  // Each window's channels side by side: the scan runs along contiguous channels, keeping each
  // channel's best value and its cell (the first maximum in scan order, as before).
  const best = new Float32Array(channels);
  const at = new Int32Array(channels);
  let window = 0;
  for (let b = 0; b < batchSize; b++)
    for (let oy = 0; oy < outHeight; oy++) {
      const rowCorner = oy * strideHeight - top;
      let rowStart = rowCorner;
      while (rowStart < 0) rowStart += dilationHeight;
      const rowEnd = Math.min(inHeight, rowCorner + effectiveFilterHeight);
      for (let ox = 0; ox < outWidth; ox++, window += channels) {
        const colCorner = ox * strideWidth - left;
        let colStart = colCorner;
        while (colStart < 0) colStart += dilationWidth;
        const colEnd = Math.min(inWidth, colCorner + effectiveFilterWidth);
        best.fill(-Infinity);
        at.fill(-1);
        for (let iy = rowStart; iy < rowEnd; iy += dilationHeight)
          for (let ix = colStart; ix < colEnd; ix += dilationWidth) {
            const base = ((b * inHeight + iy) * inWidth + ix) * channels;
            for (let c = 0; c < channels; c++) {
              const value = x[base + c]!;
              if (value > best[c]!) {
                best[c] = value;
                at[c] = base + c;
              }
            }
          }
        for (let c = 0; c < channels; c++) {
          const cell = at[c]!;
          if (cell >= 0) dx[cell] = dx[cell]! + gradient[window + c]!;
        }
      }
    }
  return out;
}

/**
 * maxPoolGradWasm for the commonest pooling (2x2 windows, stride 2, no padding: every window
 * inside the input and none overlapping), the four cells of each channel compared in straight
 * code: no per-window arrays to reset, no loop over cells. The same first maximum in scan
 * order, and no gradient for a window without a number (all NaN), as the general loop.
 */
function maxPoolGrad2x2(
  x: Float32Array,
  gradient: Float32Array,
  dx: Float32Array,
  shape: {
    batchSize: number;
    inHeight: number;
    inWidth: number;
    channels: number;
    outHeight: number;
    outWidth: number;
  },
): void {
  const { batchSize, inHeight, inWidth, channels, outHeight, outWidth } = shape;
  const rowStep = inWidth * channels;
  let window = 0;
  for (let b = 0; b < batchSize; b++)
    for (let oy = 0; oy < outHeight; oy++)
      for (let ox = 0; ox < outWidth; ox++, window += channels) {
        const topLeft = ((b * inHeight + 2 * oy) * inWidth + 2 * ox) * channels;
        for (let c = 0; c < channels; c++) {
          const p0 = topLeft + c;
          const p1 = p0 + channels;
          const p2 = p0 + rowStep;
          const p3 = p2 + channels;
          const v0 = x[p0]!;
          const v1 = x[p1]!;
          const v2 = x[p2]!;
          const v3 = x[p3]!;
          let best = -Infinity;
          let at = -1;
          if (v0 > best) {
            best = v0;
            at = p0;
          }
          if (v1 > best) {
            best = v1;
            at = p1;
          }
          if (v2 > best) {
            best = v2;
            at = p2;
          }
          if (v3 > best) at = p3;
          if (at >= 0) dx[at] = gradient[window + c]!;
        }
      }
}
