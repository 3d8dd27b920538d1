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

interface GatherCase {
  what: string;
  table: number[];
  dtype: 'float32' | 'int32';
  ids: number[][] | number[];
  axis?: number;
  batchDims?: number;
}

async function gathered(backend: 'wasm' | 'cpu', c: GatherCase) {
  await selectBackend(backend);
  const size = c.table.reduce((a, b) => a * b, 1);
  const data = c.dtype === 'int32' ? Int32Array.from(values(size, 5), (v) => Math.round(v * 1000)) : values(size, 5);
  const out = tf.tidy(() =>
    tf.gather(tf.tensor(data, c.table, c.dtype), tf.tensor(c.ids, undefined, 'int32'), c.axis, c.batchDims),
  );
  const result = { shape: out.shape, dtype: out.dtype, data: Array.from(out.dataSync()) };
  out.dispose();
  return result;
}

describe('GatherV2 on wasm', () => {
  const cases: GatherCase[] = [
    {
      what: 'an embedding lookup (2-D ids, repeated ids)',
      table: [7, 5],
      dtype: 'float32',
      ids: [
        [0, 6, 3],
        [3, 3, 1],
      ],
    },
    { what: 'rows of a 3-D int32 table', table: [4, 2, 3], dtype: 'int32', ids: [3, 0, 3] },
    { what: 'one-wide rows', table: [9, 1], dtype: 'float32', ids: [8, 0] },
    {
      what: 'a 1-D table',
      table: [6],
      dtype: 'int32',
      ids: [
        [5, 1],
        [0, 5],
      ],
    },
    { what: 'no ids', table: [4, 3], dtype: 'float32', ids: [] },
    { what: 'another axis (the backend kernel)', table: [3, 6, 2], dtype: 'float32', ids: [5, 0, 2], axis: 1 },
    {
      what: 'batch dimensions (the backend kernel)',
      table: [2, 4, 3],
      dtype: 'float32',
      ids: [
        [1, 3],
        [0, 0],
      ],
      axis: 1,
      batchDims: 1,
    },
  ];
  for (const c of cases) {
    it(`matches the CPU backend for ${c.what}`, async () => {
      const cpu = await gathered('cpu', c);
      const wasm = await gathered('wasm', c);
      expect(wasm).toEqual(cpu);
    });
  }

  it('rejects an id outside the table and leaves nothing allocated', async () => {
    await selectBackend('wasm');
    const backend = tf.backend() as BackendWasm;
    const table = tf.tensor(values(12, 2), [4, 3]);
    const buffers = backend.numDataIds();
    for (const id of [4, -1])
      expect(() => tf.tidy(() => tf.gather(table, tf.tensor([0, id], undefined, 'int32')))).toThrow(/index value/);
    expect(backend.numDataIds()).toBe(buffers);
    table.dispose();
  });

  it("gives an embedding's table the same gradient as the CPU backend", async () => {
    const gradient = async (backend: 'wasm' | 'cpu') => {
      await selectBackend(backend);
      const ids = tf.tensor(
        [
          [1, 4, 1],
          [0, 4, 2],
        ],
        undefined,
        'int32',
      );
      const table = tf.tensor(values(20, 3), [5, 4]);
      const weights = tf.tensor(values(24, 4), [2, 3, 4]);
      const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), weights)))(table);
      const data = Array.from(grad.dataSync());
      tf.dispose([ids, table, weights, grad]);
      return data;
    };
    const cpu = await gradient('cpu');
    const wasm = await gradient('wasm');
    cpu.forEach((expected, i) => expect(wasm[i]).toBeCloseTo(expected, 5));
  });
});

describe('Identity on wasm', () => {
  it("shares the input's buffer: a clone allocates nothing and outlives its source", async () => {
    await selectBackend('wasm');
    const backend = tf.backend() as BackendWasm;
    const x = tf.tensor(values(6, 7), [2, 3]);
    const expected = Array.from(x.dataSync());
    const buffers = backend.numDataIds();
    const clone = tf.clone(x);
    expect(backend.numDataIds()).toBe(buffers);
    x.dispose();
    expect(Array.from(clone.dataSync())).toEqual(expected);
    clone.dispose();
    expect(backend.numDataIds()).toBe(buffers - 1);
  });

  it('keeps a saved input intact while its variable is assigned new values', async () => {
    await selectBackend('wasm');
    const v = tf.variable(tf.tensor([1, 2, 3]));
    const saved = tf.clone(v);
    v.assign(tf.tensor([7, 8, 9]));
    expect(Array.from(saved.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([7, 8, 9]);
    tf.dispose([v, saved]);
  });
});
