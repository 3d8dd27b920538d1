/**
 * Training kernels the TensorFlow.js WASM backend (4.22) lacks, composed from its own fast
 * kernels. Running a real training step on 'wasm' for every layer kind our architectures use
 * (conv2d/conv1d with max/avg pooling, dropout, dense, embedding + simpleRNN/LSTM/GRU,
 * layer normalisation) throws for exactly two kernels:
 *
 * - `Conv2DBackpropFilter` (every conv layer's weight gradient);
 * - `UnsortedSegmentSum` (the gradient of `gather`, i.e. of every embedding layer).
 *
 * `Conv2DBackpropInput`, `MaxPoolGrad` and `AvgPoolGrad` do exist on wasm; the tests compare
 * them with the CPU backend too. Two are replaced (below): the input gradient of stride-1
 * convolutions by a faster composition, and `MaxPoolGrad`, which is wrong for windows without a
 * positive value. Falling back to the JS CPU kernels would be ~1000x slower
 * (the CPU filter gradient is a scalar 7-deep loop), so these call the wasm backend's kernel
 * functions directly, the same way the backend composes its own kernels.
 */
import * as tf from './tfjs.ts';
import { copyRuns, type CopyRuns } from './copy-runs.ts';
import { simdMaxPoolGrad2x2 } from './simd-max-pool-grad.ts';
import { simdProduct } from './simd-product.ts';
import { simdTranspose } from './simd-transpose.ts';
import { unsortedSegmentSumWasmConfig } from './wasm-segment-sum.ts';
import {
  onBackendMemory,
  replaceWasmKernel,
  runWasmKernel,
  withIntermediates,
  type KernelArgs,
  type WasmBackend,
} from './wasm-kernel-calls.ts';

type ExplicitPad = [[number, number], [number, number], [number, number], [number, number]];

const productOf = onBackendMemory(simdProduct);
const transposeOf = onBackendMemory(simdTranspose);
const maxPoolGrad2x2Of = onBackendMemory(simdMaxPoolGrad2x2);
const copyRunsOf = onBackendMemory(copyRuns);
/** The most floats the patches of {@link filterGradientAsProduct} may take (16 MB). */
const MOST_PATCH_FLOATS = 1 << 22;
/** Widest patches (kh·kw·cin) whose filter gradient runs as patches times dy (see below). */
const PATCHES_ON_SIMD = 48;

/**
 * The filter gradient as one product over the backend's memory: dW = Pᵀ · dy, P the input's
 * patches (one row per output position, kh·kw·cin wide), copied already transposed as runs
 * (patchesOf: 136 -> 80 µs a call for a first layer's, against a loop over every value), and
 * dy transposed by the SIMD transpose, so that our SIMD product (simd-product.ts) takes both as
 * rows of the positions' length and writes dW in its `[kh, kw, cin, cout]` order. Nothing is
 * packed: the convolution below hands dy to XNNPACK as a filter, which it packs anew on every
 * call since dy is new every step. That pays where patches are narrow, as in a first layer:
 * batch 32 of 8x8, 3x3 filters, 32 output channels, it took 0.32 ms against 0.68 ms with one
 * input channel and 0.62 against 0.86 ms with four (36 wide), but 1.16 against 0.99 ms with eight
 * (72 wide), and more as patches widen: there every row of patches streams the whole of dy, where
 * XNNPACK's blocked product reuses it. So only up to PATCHES_ON_SIMD wide. Undefined where it
 * does not apply: wider patches, positions or output channels not multiples of four (the
 * transpose's blocks), other dtypes, no SIMD.
 */
function filterGradientOnSimd(
  backend: WasmBackend,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo | undefined {
  const product = productOf(backend);
  const transpose = transposeOf(backend);
  const copy = copyRunsOf(backend);
  const { batchSize, inChannels, outHeight, outWidth, outChannels, filterHeight: kh, filterWidth: kw } = info;
  const positions = batchSize * outHeight * outWidth;
  if (!product || !transpose || !copy || x.dtype !== 'float32' || dy.dtype !== 'float32') return undefined;
  if (positions % 4 !== 0 || outChannels % 4 !== 0 || info.dilationHeight !== 1 || info.dilationWidth !== 1)
    return undefined;
  const rows = kh * kw * inChannels;
  if (rows > PATCHES_ON_SIMD) return undefined;
  return withIntermediates(backend, (keep) => {
    // A first layer's single channel is already in that order: a reshape, not a copy.
    const inputT = keep(
      inChannels === 1
        ? runWasmKernel('Reshape', backend, { x }, { shape: [1, ...x.shape.slice(0, 3)] })
        : runWasmKernel('Transpose', backend, { x }, { perm: [3, 0, 1, 2] }),
    );
    const patchRows = keep(patchesOf(backend, copy, inputT, info, false));
    const dyRows = keep(backend.makeOutput([outChannels, positions], 'float32'));
    const out = backend.makeOutput([kh, kw, inChannels, outChannels], 'float32');
    // Offsets after every makeOutput, which may grow (and so move) the heap.
    const offset = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t).byteOffset;
    transpose(offset(dy), offset(dyRows), positions, outChannels, 1);
    product(offset(patchRows), offset(dyRows), offset(out), rows, outChannels, positions);
    return out;
  });
}

/**
 * The filter gradient of wider patches (a second layer's) as one product on the backend's
 * XNNPACK: dW = Pᵀ · dy', Pᵀ the input's patches laid out as rows of (kh, kw, cin) over columns
 * of output positions (oh, ow, n), dy' = dy with its positions in the same order. Pᵀ's rows are
 * runs of the input transposed to `[cin, h, w, n]` (a whole output row of one channel, of one
 * filter cell, is one run at stride 1), copied in one call (copy-runs.ts); padding stays zero.
 * XNNPACK runs this product as fast as its forward convolution of the same size, where the
 * convolution below (dy as a 4x4 filter over the channels-as-batch input) took 1.6 times as
 * long: 0.94 against 0.58 ms for the digits CNN's second layer, batch 32 of 4x4x32 to 64.
 * Undefined where it does not apply: dilations, patches over MOST_PATCH_FLOATS, no bulk memory.
 */
function filterGradientAsProduct(
  backend: WasmBackend,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo | undefined {
  const copy = copyRunsOf(backend);
  const { batchSize, outHeight, outWidth, inChannels, outChannels, filterHeight: kh, filterWidth: kw } = info;
  const rows = kh * kw * inChannels;
  const positions = batchSize * outHeight * outWidth;
  if (!copy || x.dtype !== 'float32' || dy.dtype !== 'float32') return undefined;
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1 || rows * positions > MOST_PATCH_FLOATS) return undefined;
  return withIntermediates(backend, (keep) => {
    const inputT = keep(runWasmKernel('Transpose', backend, { x }, { perm: [3, 1, 2, 0] }));
    const dyT = keep(runWasmKernel('Transpose', backend, { x: dy }, { perm: [1, 2, 0, 3] }));
    const patchRows = keep(patchesOf(backend, copy, inputT, info, true));
    const b = keep(runWasmKernel('Reshape', backend, { x: dyT }, { shape: [1, positions, outChannels] }));
    const product = keep(
      runWasmKernel('BatchMatMul', backend, { a: patchRows, b }, { transposeA: false, transposeB: false }),
    );
    return runWasmKernel('Reshape', backend, { x: product }, { shape: [kh, kw, inChannels, outChannels] });
  });
}

/**
 * Pᵀ, the input's patches as rows of (kh, kw, cin) over columns of output positions, `[1, rows,
 * positions]`, copied as runs (patchRuns) from `inputT`, the input transposed so that positions
 * run along its rows: `[cin, h, w, n]` with `batchLast` (positions (oh, ow, n)), else
 * `[cin, n, h, w]` (positions (n, oh, ow)). Padding stays zero.
 */
function patchesOf(
  backend: WasmBackend,
  copy: CopyRuns,
  inputT: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  batchLast: boolean,
): tf.TensorInfo {
  const { runs, covering } = patchRuns(info, batchLast);
  const rows = info.filterHeight * info.filterWidth * info.inChannels;
  const out = backend.makeOutput([1, rows, info.batchSize * info.outHeight * info.outWidth], 'float32');
  const table = backend.makeOutput([runs.length], 'int32');
  try {
    // Views after every makeOutput, which may grow (and so move) the heap.
    const patches = backend.typedArrayFromHeap(out) as Float32Array;
    const tableView = backend.typedArrayFromHeap(table) as Int32Array;
    if (!covering) patches.fill(0);
    tableView.set(runs);
    copy(tableView.byteOffset, runs.length / 3, backend.typedArrayFromHeap(inputT).byteOffset, patches.byteOffset);
    return out;
  } finally {
    backend.disposeData(table.dataId);
  }
}

/** Runs by convolution shape and layout: the same few repeat every step. */
const patchRunsByShape = new Map<string, { runs: Int32Array; covering: boolean }>();

/**
 * The copies that build patchesOf's patches: (to, from, bytes) triples, `to` into the patches,
 * `from` into the transposed input. At stride 1 a run is a whole output row of one channel and
 * filter cell (of one image, unless `batchLast` puts the images inside each position); at larger
 * strides, one position. `covering` when they fill every patch value (no padding reaches one).
 */
function patchRuns(info: tf.backend_util.Conv2DInfo, batchLast: boolean): { runs: Int32Array; covering: boolean } {
  const { batchSize: n, inHeight, inWidth, inChannels, outHeight, outWidth } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const key = [n, inHeight, inWidth, inChannels, outHeight, outWidth, kh, kw, sh, sw, top, left, batchLast].join();
  const known = patchRunsByShape.get(key);
  if (known) return known;
  // Images outside the runs (batch first) or inside each position (batch last).
  const [images, unit] = batchLast ? [1, n] : [n, 1];
  const runs: number[] = [];
  let copied = 0;
  for (let fy = 0, row = 0; fy < kh; fy++)
    for (let fx = 0; fx < kw; fx++)
      for (let c = 0; c < inChannels; c++, row++)
        for (let image = 0; image < images; image++)
          for (let oy = 0; oy < outHeight; oy++) {
            const iy = oy * sh + fy - top;
            if (iy < 0 || iy >= inHeight) continue;
            const to = ((row * images + image) * outHeight + oy) * outWidth;
            const from = ((c * images + image) * inHeight + iy) * inWidth;
            for (let ox = 0; ox < outWidth;) {
              const ix = ox * sw + fx - left;
              if (ix < 0 || ix >= inWidth) {
                ox++;
                continue;
              }
              // At stride 1 the rest of the row's in-range positions read on along the input row.
              const end = sw === 1 ? Math.min(outWidth, inWidth + left - fx) : ox + 1;
              runs.push((to + ox) * unit * 4, (from + ix) * unit * 4, (end - ox) * unit * 4);
              copied += (end - ox) * unit;
              ox = end;
            }
          }
  const made = { runs: Int32Array.from(runs), covering: copied === kh * kw * inChannels * outHeight * outWidth * n };
  if (patchRunsByShape.size >= 16) patchRunsByShape.clear();
  patchRunsByShape.set(key, made);
  return made;
}

/**
 * The filter gradient dW[kh,kw,ci,co] = sum over n,oh,ow of x[n, oh*s+kh-pt, ow*s+kw-pl, ci]
 * * dy[n,oh,ow,co] is itself a convolution: put the input channels in the batch slot and the
 * batch in the channel slot (x -> [Cin,H,W,N]), use dy as the filter ([OH,OW,N,Cout]) with a
 * dilation equal to the forward stride, and the forward padding made explicit. The result
 * [Cin,KH',KW',Cout] may be larger than the filter when 'valid' leaves rows unused; slice it.
 */
function conv2DBackpropFilterWasm(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = (args.attrs ?? {}) as unknown as tf.Conv2DBackpropFilterAttrs;
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat);
  if (dataFormat !== 'channelsLast') {
    throw new Error(`Conv2DBackpropFilter on wasm supports only NHWC (channelsLast) data, got '${attrs.dataFormat}'.`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    dataFormat,
  );
  const {
    filterHeight: kh,
    filterWidth: kw,
    strideHeight: sh,
    strideWidth: sw,
    inHeight,
    inWidth,
    outHeight,
    outWidth,
  } = info;
  const direct = filterGradientOnSimd(backend, x, dy, info) ?? filterGradientAsProduct(backend, x, dy, info);
  if (direct) return direct;
  const { top, left } = info.padInfo;
  // Pad the end so the dilated "filter" (dy) fits at every one of the kh x kw offsets;
  // computeConv2DInfo's bottom/right pad can be smaller than that for 'valid' with leftovers.
  const bottom = Math.max(0, (outHeight - 1) * sh + kh - inHeight - top);
  const right = Math.max(0, (outWidth - 1) * sw + kw - inWidth - left);
  const pad: ExplicitPad = [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];

  return withIntermediates(backend, (keep) => {
    const xT = keep(runWasmKernel('Transpose', backend, { x }, { perm: [3, 1, 2, 0] }));
    const dyT = keep(runWasmKernel('Transpose', backend, { x: dy }, { perm: [1, 2, 0, 3] }));
    const full = keep(
      runWasmKernel(
        'Conv2D',
        backend,
        { x: xT, filter: dyT },
        { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [sh, sw], dimRoundingMode: undefined },
      ),
    );
    const [cin, fullH, fullW, cout] = full.shape as [number, number, number, number];
    const sliced =
      fullH === kh && fullW === kw
        ? full
        : keep(runWasmKernel('Slice', backend, { x: full }, { begin: [0, 0, 0, 0], size: [cin, kh, kw, cout] }));
    return runWasmKernel('Transpose', backend, { x: sliced }, { perm: [1, 2, 0, 3] });
  });
}

const conv2DBackpropFilterWasmConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilterWasm as tf.KernelFunc,
};

/**
 * The input gradient of a stride-1 convolution is itself a stride-1 convolution: of dy with the
 * filter turned half a turn in space and its channel axes swapped, padded by K-1 less the
 * forward padding on each side. tfjs-backend-wasm's own `Conv2DBackpropInput` is a plain loop
 * (about a third of a small CNN's training step, e.g. conv32-pool-conv64 on 8x8 digits); this
 * runs on its XNNPACK `Conv2D`. Strided convolutions keep the backend's kernel.
 */
function conv2DBackpropInputWasm(original: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const backend = args.backend as WasmBackend;
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const attrs = (args.attrs ?? {}) as unknown as tf.Conv2DBackpropInputAttrs;
    const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat);
    const [sh, sw] = typeof attrs.strides === 'number' ? [attrs.strides, attrs.strides] : attrs.strides;
    if (sh !== 1 || sw !== 1 || dataFormat !== 'channelsLast') return original(args as Parameters<tf.KernelFunc>[0]);
    const info = tf.backend_util.computeConv2DInfo(
      attrs.inputShape,
      filter.shape as [number, number, number, number],
      1,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      dataFormat,
    );
    const { filterHeight: kh, filterWidth: kw } = info;
    const { top, bottom, left, right } = info.padInfo;
    const pad: ExplicitPad = [
      [0, 0],
      [kh - 1 - top, kh - 1 - bottom],
      [kw - 1 - left, kw - 1 - right],
      [0, 0],
    ];
    if (pad.some(([before, after]) => before < 0 || after < 0)) return original(args as Parameters<tf.KernelFunc>[0]);
    return withIntermediates(backend, (keep) =>
      runWasmKernel(
        'Conv2D',
        backend,
        { x: dy, filter: keep(turnedFilter(backend, filter)) },
        { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined },
      ),
    );
  }) as tf.KernelFunc;
}

/**
 * `filter` `[kh, kw, in, out]` turned half a turn in space with its channel axes swapped:
 * `[kh, kw, out, in]`, one pass over the heap. The backend's Reverse and Transpose took about
 * 0.6 ms for a 3x3x32x64 filter, more than a tenth of a small CNN's step.
 */
function turnedFilter(backend: WasmBackend, filter: tf.TensorInfo): tf.TensorInfo {
  const [kh, kw, cin, cout] = filter.shape as [number, number, number, number];
  const out = backend.makeOutput([kh, kw, cout, cin], 'float32');
  // Views after makeOutput, which may grow (and so move) the heap.
  const turned = backend.typedArrayFromHeap(out) as Float32Array;
  const from = backend.typedArrayFromHeap(filter) as Float32Array;
  const transpose = cin % 4 === 0 && cout % 4 === 0 && filter.dtype === 'float32' ? transposeOf(backend) : null;
  if (transpose) {
    // Each cell's [in, out] block by the SIMD transpose: the loop below took 57 µs a call for 3x3x32x64.
    const cell = cin * cout * 4;
    for (let at = 0; at < kh * kw; at++)
      transpose(from.byteOffset + (kh * kw - 1 - at) * cell, turned.byteOffset + at * cell, cin, cout, 1);
    return out;
  }
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++) {
      const source = ((kh - 1 - y) * kw + (kw - 1 - x)) * cin * cout;
      const target = (y * kw + x) * cout * cin;
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) turned[target + o * cin + i] = from[source + i * cout + o]!;
    }
  return out;
}

/**
 * Max pooling's gradient, in JavaScript over the wasm heap: each window's first maximum (in scan
 * order, as the CPU kernel picks it) receives the window's dy. tfjs-backend-wasm 4.22's own
 * `MaxPoolGrad` (and `MaxPoolWithArgmax`) starts each window's maximum at 0, so every window
 * without a positive value sends its gradient to the wrong place: pooling after a tanh or linear
 * convolution trained on wrong gradients. It was also a loop over every input position and
 * window, the largest cost of a small CNN's step after its convolutions; this visits each
 * window's cells once.
 */
function maxPoolGradWasm(args: KernelArgs): tf.TensorInfo {
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

/** The kernels {@link registerWasmTrainingKernels} adds, by name. */
export const WASM_TRAINING_KERNELS: readonly string[] = [
  conv2DBackpropFilterWasmConfig.kernelName,
  unsortedSegmentSumWasmConfig.kernelName,
];

/**
 * Registers the training kernels missing from the 'wasm' backend (see the file comment).
 * Idempotent, and safe to call before or after `tf.setBackend('wasm')`; leaves any kernel
 * someone else (e.g. a newer tfjs-backend-wasm) already registered untouched.
 */
export function registerWasmTrainingKernels(): void {
  for (const config of [conv2DBackpropFilterWasmConfig, unsortedSegmentSumWasmConfig]) {
    if (tf.getKernel(config.kernelName, 'wasm') === undefined) tf.registerKernel(config);
  }
  replaceWasmKernel('Conv2DBackpropInput', conv2DBackpropInputWasm);
  replaceWasmKernel('MaxPoolGrad', () => maxPoolGradWasm as tf.KernelFunc);
}
