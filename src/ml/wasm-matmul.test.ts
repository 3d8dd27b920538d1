import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { selectBackend, tf } from './backend.ts';

function values(shape: number[], seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

async function product(
  backend: 'wasm' | 'cpu',
  a: number[],
  b: number[],
  transposeA: boolean,
  transposeB: boolean,
): Promise<{ shape: number[]; data: Float32Array }> {
  await selectBackend(backend);
  const out = tf.tidy(() => tf.matMul(tf.tensor(values(a, 1), a), tf.tensor(values(b, 2), b), transposeA, transposeB));
  const result = { shape: out.shape, data: Float32Array.from(out.dataSync()) };
  out.dispose();
  return result;
}

describe('BatchMatMul on wasm with transposed operands', () => {
  const cases: { a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }[] = [
    { a: [5, 7], b: [4, 7], transposeA: false, transposeB: true },
    { a: [7, 5], b: [7, 4], transposeA: true, transposeB: false },
    { a: [7, 5], b: [4, 7], transposeA: true, transposeB: true },
    { a: [6, 3, 8, 4], b: [6, 3, 8, 4], transposeA: false, transposeB: true },
    { a: [6, 8, 3], b: [6, 8, 5], transposeA: true, transposeB: false },
    // batched products of every transpose, odd sizes (on the SIMD kernel: depth and n not multiples of 4)
    { a: [9, 5, 7], b: [9, 7, 3], transposeA: false, transposeB: false },
    { a: [9, 7, 5], b: [9, 3, 7], transposeA: true, transposeB: true },
    { a: [64, 32, 16], b: [64, 32, 16], transposeA: false, transposeB: true },
    { a: [2, 1, 1], b: [2, 1, 1], transposeA: false, transposeB: false },
    // a weight gradient on the SIMD product (sides multiples of four), with and without unit batch axes
    { a: [1024, 32], b: [1024, 64], transposeA: true, transposeB: false },
    { a: [1, 8, 12], b: [1, 8, 4], transposeA: true, transposeB: false },
    { a: [8, 12], b: [1, 8, 4], transposeA: true, transposeB: false },
    { a: [1, 1, 8, 12], b: [8, 4], transposeA: true, transposeB: false },
    // batches whose operands the SIMD transpose puts in the product's form
    { a: [6, 8, 12], b: [6, 8, 4], transposeA: true, transposeB: false },
    { a: [6, 12, 8], b: [6, 8, 4], transposeA: false, transposeB: false },
    // broadcast batch: one b for every a
    { a: [3, 4, 6], b: [5, 6], transposeA: false, transposeB: true },
    { a: [5, 4], b: [3, 5, 6], transposeA: true, transposeB: false },
  ];
  for (const { a, b, transposeA, transposeB } of cases) {
    it(`matches the CPU backend for [${a}] x [${b}], transposeA ${transposeA}, transposeB ${transposeB}`, async () => {
      const cpu = await product('cpu', a, b, transposeA, transposeB);
      const wasm = await product('wasm', a, b, transposeA, transposeB);
      expect(wasm.shape).toEqual(cpu.shape);
      cpu.data.forEach((expected, i) => expect(wasm.data[i]).toBeCloseTo(expected, 4));
    });
  }

  it('is the kernel the wasm backend runs', async () => {
    await selectBackend('wasm');
    expect(tf.getKernel('BatchMatMul', 'wasm')).toMatchObject({ explicitTransposes: true });
  });

  it('leaves no intermediate buffer behind on the SIMD paths', async () => {
    await selectBackend('wasm');
    const backend = tf.backend() as BackendWasm;
    for (const [aShape, bShape] of [
      [
        [16, 8],
        [16, 12],
      ],
      [
        [3, 16, 8],
        [3, 16, 12],
      ],
    ]) {
      const a = tf.tensor(values(aShape!, 5), aShape);
      const b = tf.tensor(values(bShape!, 6), bShape);
      const buffers = backend.numDataIds();
      const out = tf.matMul(a, b, true, false);
      expect(backend.numDataIds()).toBe(buffers + 1);
      tf.dispose([a, b, out]);
    }
  });

  it('leaves no intermediate tensors behind', async () => {
    await selectBackend('wasm');
    const a = tf.tensor(values([4, 6, 3], 3), [4, 6, 3]);
    const b = tf.tensor(values([4, 5, 3], 4), [4, 5, 3]);
    const before = tf.memory().numBytes;
    const out = tf.matMul(a, b, false, true);
    expect(tf.memory().numBytes - before).toBe(out.size * 4);
    tf.dispose([a, b, out]);
  });
});
