/**
 * Where the host-memory training kernels (the dense stack's step, the fused LSTM) run their
 * matrix products: one block of float32 arrays, in a WebAssembly memory where the SIMD product
 * kernel (simd-product.ts) can reach them, or in plain arrays with the JavaScript kernel below
 * where the engine has no SIMD. Arrays are carved once, sized for the largest batch, so a step
 * allocates nothing.
 */
import type { AdamStepConstants, SimdAdam } from './simd-adam.ts';
import { simdMemory, type SimdProduct } from './simd-product.ts';

/** Float32 arrays carved from one memory, and the product over them. */
export class ProductArena {
  private offset = 0;

  private constructor(
    private readonly buffer: ArrayBuffer,
    /** Undefined: the JavaScript kernel (productNT). */
    private readonly simd: SimdProduct | undefined,
    /** Undefined: the caller's JavaScript update (host-adam.ts). */
    private readonly simdAdam: SimdAdam | undefined,
  ) {}

  /** An arena that holds arrays of the given sizes (each rounded up to 16 bytes for vector loads). */
  static of(sizes: number[]): ProductArena {
    const floats = sizes.reduce((sum, size) => sum + aligned(size), 0);
    const made = simdMemory(floats * 4);
    return new ProductArena(made?.memory.buffer ?? new ArrayBuffer(floats * 4), made?.product, made?.adam);
  }

  /** Whether arrays of `sizes` fit in the arena from its start (see `reset`). */
  holds(sizes: number[]): boolean {
    return sizes.reduce((sum, size) => sum + aligned(size), 0) * 4 <= this.buffer.byteLength;
  }

  /** Takes again from the start: arrays taken before now share memory with those taken after. */
  reset(): void {
    this.offset = 0;
  }

  /** The next `size` floats of the arena (zeros when new); the sizes given to `of` bound what can be taken. */
  take(size: number): Float32Array<ArrayBuffer> {
    const array = new Float32Array(this.buffer, this.offset * 4, size);
    this.offset += aligned(size);
    return array;
  }

  /** A copy of `array` in the arena. */
  moved(array: Float32Array): Float32Array<ArrayBuffer> {
    const copy = this.take(array.length);
    copy.set(array);
    return copy;
  }

  /** out = a · bᵀ (see productNT): on the SIMD kernel when all three live in the arena. */
  product(a: Float32Array, b: Float32Array, out: Float32Array, m: number, n: number, depth: number): void {
    const simd = this.simd;
    const buffer = this.buffer;
    if (simd && a.buffer === buffer && b.buffer === buffer && out.buffer === buffer)
      simd(a.byteOffset, b.byteOffset, out.byteOffset, m, n, depth);
    else productNT(a, b, out, m, n, depth);
  }

  /** Whether `adam` can run here (WebAssembly SIMD is available). */
  get hasAdamKernel(): boolean {
    return this.simdAdam !== undefined;
  }

  /**
   * One Adam step in place (simd-adam.ts: tf.train.adam's float32 arithmetic) when the value,
   * gradient and both moments live in the arena; false, with nothing done, when they do not or
   * there is no SIMD.
   */
  adam(value: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, constants: AdamStepConstants): boolean {
    const kernel = this.simdAdam;
    const buffer = this.buffer;
    if (!kernel || value.buffer !== buffer || g.buffer !== buffer || m.buffer !== buffer || v.buffer !== buffer)
      return false;
    kernel(value.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, value.length, ...constants);
    return true;
  }
}

function aligned(size: number): number {
  return Math.ceil(size / 4) * 4;
}

/**
 * out[i, j] = Σ_p a[i, p] · b[j, p], with a `[m, depth]`, b `[n, depth]` and out `[m, n]`: the
 * one form of every product the host-memory kernels take, both operands read along contiguous rows. Tiles of 4 x 4
 * outputs keep sixteen sums in registers, so each pass over `depth` loads 8 numbers for 16
 * multiply-adds (V8 does not vectorise; this measured 2-3x the plain i-k-j loop). Sums are in
 * float64, rounded to float32 once. The fallback of the SIMD kernel (simd-product.ts).
 */
export function productNT(
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  m: number,
  n: number,
  depth: number,
): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = i * depth;
    const a1 = a0 + depth;
    const a2 = a1 + depth;
    const a3 = a2 + depth;
    const o0 = i * n;
    const o1 = o0 + n;
    const o2 = o1 + n;
    const o3 = o2 + n;
    for (let j = 0; j < n4; j += 4) {
      const b0 = j * depth;
      const b1 = b0 + depth;
      const b2 = b1 + depth;
      const b3 = b2 + depth;
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s03 = 0,
        s10 = 0,
        s11 = 0,
        s12 = 0,
        s13 = 0;
      let s20 = 0,
        s21 = 0,
        s22 = 0,
        s23 = 0,
        s30 = 0,
        s31 = 0,
        s32 = 0,
        s33 = 0;
      for (let p = 0; p < depth; p++) {
        const x0 = a[a0 + p]!;
        const x1 = a[a1 + p]!;
        const x2 = a[a2 + p]!;
        const x3 = a[a3 + p]!;
        const y0 = b[b0 + p]!;
        const y1 = b[b1 + p]!;
        const y2 = b[b2 + p]!;
        const y3 = b[b3 + p]!;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
        s20 += x2 * y0;
        s21 += x2 * y1;
        s22 += x2 * y2;
        s23 += x2 * y3;
        s30 += x3 * y0;
        s31 += x3 * y1;
        s32 += x3 * y2;
        s33 += x3 * y3;
      }
      out[o0 + j] = s00;
      out[o0 + j + 1] = s01;
      out[o0 + j + 2] = s02;
      out[o0 + j + 3] = s03;
      out[o1 + j] = s10;
      out[o1 + j + 1] = s11;
      out[o1 + j + 2] = s12;
      out[o1 + j + 3] = s13;
      out[o2 + j] = s20;
      out[o2 + j + 1] = s21;
      out[o2 + j + 2] = s22;
      out[o2 + j + 3] = s23;
      out[o3 + j] = s30;
      out[o3 + j + 1] = s31;
      out[o3 + j + 2] = s32;
      out[o3 + j + 3] = s33;
    }
    for (let j = n4; j < n; j++) {
      const b0 = j * depth;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let p = 0; p < depth; p++) {
        const y = b[b0 + p]!;
        s0 += a[a0 + p]! * y;
        s1 += a[a1 + p]! * y;
        s2 += a[a2 + p]! * y;
        s3 += a[a3 + p]! * y;
      }
      out[o0 + j] = s0;
      out[o1 + j] = s1;
      out[o2 + j] = s2;
      out[o3 + j] = s3;
    }
  }
  for (let i = m4; i < m; i++) {
    const a0 = i * depth;
    const o0 = i * n;
    for (let j = 0; j < n; j++) {
      const b0 = j * depth;
      let sum = 0;
      for (let p = 0; p < depth; p++) sum += a[a0 + p]! * b[b0 + p]!;
      out[o0 + j] = sum;
    }
  }
}
