import { describe, expect, it } from 'vitest';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend, tf } from './backend.ts';

function values(size: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: size }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

async function summed(
  backend: 'wasm' | 'cpu',
  shape: number[],
  axis: number | number[],
  keepDims: boolean,
  dtype: 'float32' | 'int32' = 'float32',
) {
  await selectBackend(backend);
  const size = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'int32' ? Int32Array.from(values(size, 9), (v) => Math.round(v * 100)) : values(size, 9);
  const out = tf.tidy(() => tf.sum(tf.tensor(data, shape, dtype), axis, keepDims));
  const result = { shape: out.shape, dtype: out.dtype, data: Array.from(out.dataSync()) };
  out.dispose();
  return result;
}

describe('Sum on wasm', () => {
  const cases: { shape: number[]; axis: number | number[]; keepDims?: boolean; dtype?: 'int32' }[] = [
    { shape: [37, 5], axis: 0 },
    { shape: [6, 9, 4], axis: [0, 1] },
    { shape: [6, 9, 4], axis: [1, 0], keepDims: true },
    { shape: [6, 9, 4], axis: [-3, -2] },
    { shape: [3, 1, 7], axis: 0 },
    // the backend's kernel: not the leading axes, every axis, or int32
    { shape: [6, 9, 4], axis: 1 },
    { shape: [6, 9, 4], axis: [0, 2] },
    { shape: [6, 9], axis: [0, 1] },
    { shape: [8, 3], axis: 0, dtype: 'int32' },
  ];
  for (const { shape, axis, keepDims = false, dtype } of cases) {
    it(`matches the CPU backend for [${shape}] over ${JSON.stringify(axis)}${keepDims ? ', dims kept' : ''}${dtype ? `, ${dtype}` : ''}`, async () => {
      const cpu = await summed('cpu', shape, axis, keepDims, dtype);
      const wasm = await summed('wasm', shape, axis, keepDims, dtype);
      expect(wasm.shape).toEqual(cpu.shape);
      expect(wasm.dtype).toEqual(cpu.dtype);
      cpu.data.forEach((expected, i) => expect(wasm.data[i]).toBeCloseTo(expected, 4));
    });
  }

  it('leaves no intermediate buffer behind', async () => {
    await selectBackend('wasm');
    const backend = tf.backend() as BackendWasm;
    const x = tf.tensor(values(64 * 32, 1), [4, 16, 32]);
    const buffers = backend.numDataIds();
    const sum = tf.sum(x, [0, 1], true);
    expect(sum.shape).toEqual([1, 1, 32]);
    expect(backend.numDataIds()).toBe(buffers + 1);
    sum.dispose();
    expect(backend.numDataIds()).toBe(buffers);
    x.dispose();
  });

  it("adds each column's rows in the backend's own order: the same float32 sums to the bit", async () => {
    await selectBackend('wasm');
    // 37 columns: sixteen at a time, four at a time and one at a time all run.
    for (const [rows, cols] of [
      [2048, 37],
      [3, 5],
    ] as const) {
      const x = tf.tensor2d(values(rows * cols, rows), [rows, cols]);
      // Over the innermost axis the backend's own kernel sums each output's values in order.
      const [ours, backends] = tf.tidy(() => [tf.sum(x, 0).dataSync(), tf.sum(tf.transpose(x), 1).dataSync()]);
      expect(Array.from(ours!)).toEqual(Array.from(backends!));
      x.dispose();
    }
  });

  it('reads inputs made after the heap grew', async () => {
    await selectBackend('wasm');
    // 24 MB: more than the backend's first heap, so making it grows the memory.
    const x = tf.fill([750_000, 8], 0.5);
    const sum = tf.sum(x, 0);
    expect(Array.from(sum.dataSync())).toEqual(Array(8).fill(375_000));
    tf.dispose([x, sum]);
  });
});
