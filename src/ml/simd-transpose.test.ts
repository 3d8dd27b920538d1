import { describe, expect, it } from 'vitest';
import { webAssembly } from './wasm-assembly.ts';
import { simdTranspose } from './simd-transpose.ts';

describe('simdTranspose', () => {
  it('moves every value of every matrix to its transposed place', () => {
    const memory = new webAssembly!.Memory({ initial: 2 });
    const transpose = simdTranspose(memory);
    expect(transpose).toBeDefined();
    for (const [rows, cols, count] of [
      [4, 4, 1],
      [8, 12, 3],
      [32, 4, 2],
      [4, 64, 1],
    ] as const) {
      const size = rows * cols * count;
      const from = new Float32Array(memory.buffer, 0, size);
      from.forEach((_, i) => (from[i] = i + 0.25));
      const to = new Float32Array(memory.buffer, size * 4, size);
      transpose!(from.byteOffset, to.byteOffset, rows, cols, count);
      const expected = new Float32Array(size);
      for (let m = 0; m < count; m++)
        for (let r = 0; r < rows; r++)
          for (let c = 0; c < cols; c++)
            expected[m * rows * cols + c * rows + r] = from[m * rows * cols + r * cols + c]!;
      expect(Array.from(to)).toEqual(Array.from(expected));
    }
  });
});
