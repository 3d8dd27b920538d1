/**
 * A HyperLogLog sketch (Flajolet et al. 2007, with the linear-counting correction for small
 * cardinalities): estimates how many distinct strings it has seen in a fixed 2^precision
 * bytes, with a relative standard error of about 1.04 / sqrt(2^precision) (0.8% at the
 * default precision 14, i.e. 16 KiB per column).
 */
export class DistinctSketch {
  private readonly precision: number;
  private readonly registers: Uint8Array;

  constructor(precision = 14) {
    if (!Number.isInteger(precision) || precision < 4 || precision > 18)
      throw new RangeError('precision must be an integer in 4..18');
    this.precision = precision;
    this.registers = new Uint8Array(1 << precision);
  }

  /** Records one value; adding the same value again changes nothing. */
  add(value: string): void {
    // Two independent 32-bit hashes give 32 + precision useful bits: the register index
    // comes from one and the rank from the other, so no large-range correction is needed
    // below billions of distinct values.
    let h1 = 0x811c9dc5;
    let h2 = 0x9747b28c;
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      h1 = Math.imul(h1 ^ code, 0x01000193);
      h2 = Math.imul(h2 ^ code, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    const index = fmix32(h1 ^ value.length) >>> (32 - this.precision);
    const rank = Math.clz32(fmix32(h2 + value.length)) + 1;
    if (rank > (this.registers[index] ?? 0)) this.registers[index] = rank;
  }

  /** add() of the latin1 text of `bytes[start..end)`, hashed from the bytes (same registers, no string). */
  addLatin1(bytes: Uint8Array, start: number, end: number): void {
    let h1 = 0x811c9dc5;
    let h2 = 0x9747b28c;
    for (let i = start; i < end; i++) {
      const code = bytes[i]!;
      h1 = Math.imul(h1 ^ code, 0x01000193);
      h2 = Math.imul(h2 ^ code, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    const length = end - start;
    const index = fmix32(h1 ^ length) >>> (32 - this.precision);
    const rank = Math.clz32(fmix32(h2 + length)) + 1;
    if (rank > (this.registers[index] ?? 0)) this.registers[index] = rank;
  }

  /**
   * Records one number by the bits of its double, far cheaper than hashing its text: numeric
   * columns are the long, high-cardinality ones. `1.0` and `1` are then one value, as in the
   * exact typed count; a number and a string of the same text may count twice.
   */
  addNumber(value: number): void {
    BITS[0] = value + 0; // -0 becomes 0
    const low = WORDS[0]!;
    const high = WORDS[1]!;
    const index = fmix32(Math.imul(low, 0xcc9e2d51) ^ high) >>> (32 - this.precision);
    const rank = Math.clz32(fmix32(Math.imul(high ^ 0x9747b28c, 0x1b873593) + low)) + 1;
    if (rank > (this.registers[index] ?? 0)) this.registers[index] = rank;
  }

  /** The estimated number of distinct values added so far. */
  estimate(): number {
    const m = this.registers.length;
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < m; i++) {
      const register = this.registers[i] ?? 0;
      sum += INVERSE_POWERS[register] ?? 0;
      if (register === 0) zeros++;
    }
    const alpha = 0.7213 / (1 + 1.079 / m);
    const raw = (alpha * m * m) / sum;
    if (raw <= 2.5 * m && zeros > 0) return Math.round(m * Math.log(m / zeros));
    return Math.round(raw);
  }
}

/** A scratch double and its two 32-bit words, to hash a number without allocating. */
const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);

/** 2^-r for every possible register value, so estimate() needs no Math.pow. */
const INVERSE_POWERS = Float64Array.from({ length: 64 }, (_, r) => 2 ** -r);

/** MurmurHash3's finaliser: spreads every input bit over the whole 32-bit word. */
export function fmix32(input: number): number {
  let h = input;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
