import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from './wasm-conv-gradients.ts';
import { selectBackend } from './backend.ts';
import { expectClose } from '../../test/support/expect-close.ts';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

/** Runs `fn` on a backend and returns plain arrays, so results can be compared across backends. */
async function on(backend: 'cpu' | 'wasm', fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await selectBackend(backend);
  return tf.tidy(fn).map((t) => {
    const values = t.dataSync() as Float32Array;
    t.dispose();
    return Float32Array.from(values);
  });
}

function randomValues(shape: number[], seed: number): number[] {
  // A tiny LCG keeps inputs identical on both backends without going through tf.random.
  let s = seed >>> 0;
  return Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** wasm against the CPU backend's kernels. */
const TOLERANCE = 1e-4;

beforeAll(async () => {
  expect(await selectBackend('wasm')).toBe('wasm');
});

describe('registerWasmTrainingKernels', () => {
  it('adds the kernels a training step needs and is idempotent', () => {
    registerWasmTrainingKernels();
    registerWasmTrainingKernels();
    for (const name of WASM_TRAINING_KERNELS) expect(tf.getKernel(name, 'wasm')).toBeDefined();
    expect(WASM_TRAINING_KERNELS).toEqual(['Conv2DBackpropFilter', 'UnsortedSegmentSum']);
  });
});

describe('Conv2DBackpropFilter on wasm matches the CPU kernel', () => {
  const cases: {
    x: [number, number, number, number];
    f: [number, number, number, number];
    strides: number | [number, number];
    pad: Pad;
    round?: 'floor' | 'ceil' | 'round';
    /** Deep layers sum hundreds of terms per value, in another order on each backend. */
    tolerance?: number;
  }[] = [
    { x: [3, 8, 8, 2], f: [3, 3, 2, 4], strides: 1, pad: 'valid' },
    { x: [3, 8, 8, 2], f: [3, 3, 2, 4], strides: 1, pad: 'same' },
    { x: [2, 9, 11, 3], f: [3, 3, 3, 5], strides: 2, pad: 'valid' },
    { x: [2, 9, 11, 3], f: [3, 3, 3, 5], strides: 2, pad: 'same' },
    { x: [2, 10, 7, 1], f: [5, 2, 1, 3], strides: [3, 2], pad: 'valid' },
    { x: [2, 10, 7, 1], f: [4, 3, 1, 3], strides: [2, 3], pad: 'same' },
    {
      x: [2, 7, 9, 2],
      f: [3, 3, 2, 2],
      strides: 1,
      pad: [
        [0, 0],
        [1, 2],
        [0, 1],
        [0, 0],
      ],
    },
    { x: [2, 7, 9, 2], f: [3, 2, 2, 2], strides: 2, pad: 1, round: 'ceil' },
    { x: [1, 12, 12, 2], f: [1, 1, 2, 3], strides: 3, pad: 'valid' },
    // narrow patches, positions and output channels multiples of four: patches times dy on the SIMD product
    { x: [4, 8, 8, 1], f: [3, 3, 1, 32], strides: 1, pad: 'same' },
    { x: [4, 4, 4, 8], f: [3, 3, 8, 16], strides: 1, pad: 'same' },
    { x: [2, 9, 11, 3], f: [3, 3, 3, 8], strides: 2, pad: 'same' },
    { x: [4, 9, 11, 3], f: [3, 2, 3, 8], strides: [2, 3], pad: 'valid' },
    // wider patches: patches times dy on XNNPACK's product (a CNN's second layer, its last short batch)
    { x: [29, 4, 4, 32], f: [3, 3, 32, 64], strides: 1, pad: 'same', tolerance: 5e-4 },
    { x: [3, 9, 11, 8], f: [3, 3, 8, 8], strides: 2, pad: 'same' },
    // patches over 16 MB: the convolution of dy over the input
    { x: [16, 32, 32, 32], f: [3, 3, 32, 4], strides: 1, pad: 'same', tolerance: 5e-4 },
  ];
  for (const c of cases) {
    const name = `x ${c.x.join('x')} filter ${c.f.join('x')} strides ${String(c.strides)} pad ${JSON.stringify(c.pad)}`;
    it(name, async () => {
      const xv = randomValues(c.x, 1);
      const fv = randomValues(c.f, 2);
      // Square the output so dy varies per position, making the filter gradient non-trivial.
      const grads = () => {
        const loss = (x: tf.Tensor, f: tf.Tensor) =>
          tf
            .conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.strides, c.pad, 'NHWC', 1, c.round)
            .square()
            .sum();
        return tf.grads(loss)([tf.tensor4d(xv, c.x), tf.tensor4d(fv, c.f)]);
      };
      const [cpuDx, cpuDf] = await on('cpu', grads);
      const [wasmDx, wasmDf] = await on('wasm', grads);
      expectClose(wasmDf!, cpuDf!, c.tolerance ?? TOLERANCE);
      expectClose(wasmDx!, cpuDx!, c.tolerance ?? TOLERANCE);
    });
  }

  it('rejects dilated convolutions in training on every backend (so our layers never dilate)', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      const run = () => [
        tf.grad((f: tf.Tensor) =>
          tf.conv2d(tf.ones([1, 6, 6, 1]) as tf.Tensor4D, f as tf.Tensor4D, 1, 'same', 'NHWC', 2).sum(),
        )(tf.ones([3, 3, 1, 1])),
      ];
      await expect(on(backend, run)).rejects.toThrow(/dilation/);
    }
  });

  for (const outChannels of [5, 8])
    it(`frees its intermediates (${outChannels} output channels)`, async () => {
      await selectBackend('wasm');
      const x = tf.ones([2, 8, 8, 3]) as tf.Tensor4D;
      const dy = tf.ones([2, 4, 4, outChannels]) as tf.Tensor4D;
      // The op is not exported from the tfjs package, so call the kernel through the engine.
      const run = () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x, dy },
            { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, outChannels] },
          ) as tf.Tensor;
      const first = run();
      expect(first.shape).toEqual([3, 3, 3, outChannels]);
      first.dispose();
      const before = tf.backend().numDataIds();
      for (let i = 0; i < 3; i++) run().dispose();
      expect(tf.backend().numDataIds()).toBe(before);
      tf.dispose([x, dy]);
    });
});

describe('pooling and conv input gradients already on wasm match the CPU kernels', () => {
  it('conv -> maxPool -> conv -> avgPool', async () => {
    const xv = randomValues([2, 12, 12, 1], 3);
    const f1 = randomValues([3, 3, 1, 4], 4);
    const f2 = randomValues([3, 3, 4, 3], 5);
    const grads = () =>
      tf.grads((x: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => {
        const h = tf.maxPool(tf.relu(tf.conv2d(x as tf.Tensor4D, a as tf.Tensor4D, 1, 'same')), 2, 2, 'valid');
        return tf
          .avgPool(tf.conv2d(h, b as tf.Tensor4D, 1, 'valid'), 2, 2, 'same')
          .square()
          .sum();
      })([tf.tensor4d(xv, [2, 12, 12, 1]), tf.tensor4d(f1, [3, 3, 1, 4]), tf.tensor4d(f2, [3, 3, 4, 3])]);
    const cpu = await on('cpu', grads);
    const wasm = await on('wasm', grads);
    cpu.forEach((g, i) => expectClose(wasm[i]!, g, TOLERANCE));
  });
});

describe('MaxPoolGrad on wasm matches the CPU kernel, negative values and ties included', () => {
  const cases: { x: [number, number, number, number]; size: number; strides: number; pad: 'same' | 'valid' }[] = [
    { x: [2, 8, 8, 3], size: 2, strides: 2, pad: 'same' },
    { x: [2, 7, 9, 5], size: 2, strides: 2, pad: 'valid' },
    { x: [3, 4, 6, 64], size: 2, strides: 2, pad: 'valid' },
    { x: [2, 7, 9, 2], size: 2, strides: 2, pad: 'same' },
    { x: [2, 9, 9, 2], size: 3, strides: 2, pad: 'valid' },
    { x: [1, 6, 5, 4], size: 3, strides: 1, pad: 'same' },
    // Channels in fours: the SIMD kernel, also where odd sizes leave a row and a column uncovered.
    { x: [2, 8, 8, 32], size: 2, strides: 2, pad: 'valid' },
    { x: [2, 7, 9, 8], size: 2, strides: 2, pad: 'valid' },
  ];
  for (const c of cases)
    it(`x ${c.x.join('x')} pool ${c.size} strides ${c.strides} ${c.pad}`, async () => {
      const xv = randomValues(c.x, 6);
      const grads = () =>
        tf.grads((x: tf.Tensor) =>
          tf
            .maxPool(x as tf.Tensor4D, c.size, c.strides, c.pad)
            .square()
            .sum(),
        )([tf.tensor4d(xv, c.x)]);
      expectClose((await on('wasm', grads))[0]!, (await on('cpu', grads))[0]!, TOLERANCE);
    });

  // One channel takes the scalar 2x2 loop, four the SIMD kernel.
  for (const { channels, pad, seed } of [
    { channels: 1, pad: 'same', seed: 7 },
    { channels: 4, pad: 'valid', seed: 8 },
  ] as const)
    it(`sends a tied window's gradient where the CPU kernel does (${channels} channels)`, async () => {
      // Saturated inputs (an image's white background) tie within every window.
      const x = [2, 6, 6, channels] as [number, number, number, number];
      const xv = randomValues(x, seed).map((v) => Math.min(0.5, Math.round(v * 4) / 4));
      const grads = () =>
        tf.grads((t: tf.Tensor) =>
          tf
            .maxPool(t as tf.Tensor4D, 2, 2, pad)
            .mul(tf.range(1, 1 + 2 * 3 * 3 * channels).reshape([2, 3, 3, channels]))
            .sum(),
        )([tf.tensor4d(xv, x)]);
      expect(Array.from((await on('wasm', grads))[0]!)).toEqual(Array.from((await on('cpu', grads))[0]!));
    });

  it('sends nothing from a window without a number above -Infinity', async () => {
    // One 2x2 window, four channels; cells in scan order (top left, top right, bottom left, bottom right).
    const cells = [
      [NaN, NaN, NaN, NaN],
      [-Infinity, -Infinity, -Infinity, -Infinity],
      [1, 3, 3, 2],
      [NaN, 2, 5, NaN],
    ];
    const xv = [0, 1, 2, 3].flatMap((cell) => cells.map((channel) => channel[cell]!));
    const [dx] = await on('wasm', () =>
      tf.grads((t: tf.Tensor) =>
        tf
          .maxPool(t as tf.Tensor4D, 2, 2, 'valid')
          .mul([10, 20, 30, 40])
          .sum(),
      )([tf.tensor4d(xv, [1, 2, 2, 4])]),
    );
    const expected = [
      [0, 0, 0, 0],
      [0, 0, 30, 0],
      [0, 0, 0, 40],
      [0, 0, 0, 0],
    ];
    expect(Array.from(dx!)).toEqual(expected.flat());
  });
});

describe('UnsortedSegmentSum on wasm (the embedding gradient)', () => {
  it('matches the CPU kernel, dropping out-of-range ids', async () => {
    const values = randomValues([7, 3, 2], 6);
    const ids = [4, 0, 4, -1, 9, 2, 0];
    const run = () => [tf.unsortedSegmentSum(tf.tensor3d(values, [7, 3, 2]), tf.tensor1d(ids, 'int32'), 5)];
    expectClose((await on('wasm', run))[0]!, (await on('cpu', run))[0]!, TOLERANCE);
  });

  it('gives the gather gradient of an embedding lookup', async () => {
    const table = randomValues([6, 3], 7);
    const run = () => [
      tf.grad((t: tf.Tensor) =>
        tf
          .gather(
            t,
            tf.tensor2d(
              [
                [1, 2, 1],
                [5, 0, 1],
              ],
              [2, 3],
              'int32',
            ),
          )
          .square()
          .sum(),
      )(tf.tensor2d(table, [6, 3])),
    ];
    expectClose((await on('wasm', run))[0]!, (await on('cpu', run))[0]!, TOLERANCE);
  });
});
