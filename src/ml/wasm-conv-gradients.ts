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
 * them with the CPU backend too. Two are replaced: the input gradient of stride-1 convolutions
 * by a faster composition (below), and `MaxPoolGrad`, which is wrong for windows without a
 * positive value (wasm-max-pool-grad.ts). Falling back to the JS CPU kernels would be ~1000x slower
 * (the CPU filter gradient is a scalar 7-deep loop), so these call the wasm backend's kernel
 * functions directly, the same way the backend composes its own kernels.
 */
import * as tf from './tfjs.ts';
import { copyRuns } from './copy-runs.ts';
import { patchesOf } from './conv-patches.ts';
import { simdProduct } from './simd-product.ts';
import { simdTranspose } from './simd-transpose.ts';
import { maxPoolGradWasm } from './wasm-max-pool-grad.ts';
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
