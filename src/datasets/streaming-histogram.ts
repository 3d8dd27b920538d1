/**
 * A histogram of a numeric column built in the one streaming pass of ingestion, in fixed
 * memory, before the column's range is known. Bins have a power-of-two width and start at
 * multiples of it; when a value falls outside the bins, the width doubles and neighbouring
 * bins merge (exactly: a bin of the old width lies inside one of the new), so every count is
 * exact and no value is visited twice. At the end the empty bins outside [min, max] are cut,
 * integer columns get bins at least 1 wide, and neighbours merge until at most `maxBins` remain.
 */

/** Bins kept while reading: at least twice the most bins answered, so the answer has no less detail. */
const WORKING_BINS = 64;
/** Most bins a stored histogram has. */
export const HISTOGRAM_BINS = 32;

export interface Histogram {
  /** Bin edges, one more than the counts: bin i holds [edges[i], edges[i+1]). */
  edges: number[];
  counts: number[];
}

export class StreamingHistogram {
  private readonly counts = new Float64Array(WORKING_BINS);
  private lo = 0;
  private width = 0;
  /** False once a value would need a bin wider than a double can hold. */
  private usable = true;

  add(x: number): void {
    if (!this.usable) return;
    if (this.width === 0) this.start(x);
    let index = Math.floor((x - this.lo) / this.width);
    while (index < 0 || index >= WORKING_BINS) {
      if (!this.widen(index < 0)) return;
      index = Math.floor((x - this.lo) / this.width);
    }
    this.counts[index]!++;
  }

  /** The histogram of the values added; null without any (or when their range overflows a double). */
  result(opts: { integer?: boolean; maxBins?: number } = {}): Histogram | null {
    if (!this.usable || this.width === 0) return null;
    let width = this.width;
    let lo = this.lo;
    let counts = Array.from(this.counts);
    const merge = () => {
      // Pairs aligned at multiples of the doubled width, as widen() does.
      const nextLo = Math.floor(lo / (2 * width)) * 2 * width;
      const shift = Math.round((lo - nextLo) / width);
      const next = new Array<number>(Math.ceil((counts.length + shift) / 2)).fill(0);
      counts.forEach((count, i) => (next[(i + shift) >> 1]! += count));
      counts = next;
      lo = nextLo;
      width *= 2;
    };
    if (opts.integer) while (width < 1) merge();
    const trim = () => {
      const first = counts.findIndex((count) => count > 0);
      let last = counts.length - 1;
      while (last > first && counts[last] === 0) last--;
      lo += first * width;
      counts = counts.slice(first, last + 1);
    };
    trim();
    while (counts.length > (opts.maxBins ?? HISTOGRAM_BINS)) {
      merge();
      trim();
    }
    return { edges: Array.from({ length: counts.length + 1 }, (_, i) => lo + i * width), counts };
  }

  private start(x: number): void {
    // A width far below the first value's magnitude; doubling finds the range from there.
    const exponent = x === 0 ? -20 : Math.max(-1000, Math.floor(Math.log2(Math.abs(x))) - 20);
    this.width = 2 ** exponent;
    this.lo = Math.floor(x / this.width) * this.width - (WORKING_BINS / 2) * this.width;
  }

  /** Doubles the width, keeping the old range inside the new one and growing towards the value that fell out. */
  private widen(downwards: boolean): boolean {
    const width = this.width * 2;
    // Any multiple of the new width in [lo - 64 old widths, lo] keeps the old bins inside.
    const lo = downwards
      ? Math.ceil((this.lo - WORKING_BINS * this.width) / width) * width
      : Math.floor(this.lo / width) * width;
    if (!Number.isFinite(width) || !Number.isFinite(lo)) {
      this.usable = false;
      return false;
    }
    const shift = Math.round((this.lo - lo) / this.width);
    const merged = new Float64Array(WORKING_BINS);
    for (let i = 0; i < WORKING_BINS; i++) {
      const target = (i + shift) >> 1;
      merged[target]! += this.counts[i]!;
    }
    this.counts.set(merged);
    this.lo = lo;
    this.width = width;
    return true;
  }
}
