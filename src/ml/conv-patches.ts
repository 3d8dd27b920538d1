/**
 * A convolution's input patches for its filter gradient (wasm-conv-gradients.ts), built in the
 * wasm backend's memory as runs of bytes copied in one call (copy-runs.ts) rather than a loop over
 * every value.
 */
import type * as tf from './tfjs.ts';
import type { CopyRuns } from './copy-runs.ts';
import type { WasmBackend } from './wasm-kernel-calls.ts';

/**
 * Pᵀ, the input's patches as rows of (kh, kw, cin) over columns of output positions, `[1, rows,
 * positions]`, copied as runs (patchRuns) from `inputT`, the input transposed so that positions
 * run along its rows: `[cin, h, w, n]` with `batchLast` (positions (oh, ow, n)), else
 * `[cin, n, h, w]` (positions (n, oh, ow)). Padding stays zero.
 */
export function patchesOf(
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
