import type { ValueCount } from './column-profile.ts';
import { DistinctSketch } from './distinct-sketch.ts';

/**
 * Exact counting is capped across all columns of one dataset, so a wide file of long,
 * unique strings cannot grow memory without bound: once the shared budget is spent, a
 * column that meets a new value switches to the sketches below.
 */
export class ExactCountBudget {
  constructor(
    public entries = 1_000_000,
    public chars = 16_000_000,
  ) {}
}

/** Values longer than this are never top-value candidates once counting is approximate. */
const MAX_TRACKED_LENGTH = 256;
/** Misra-Gries counters kept per column; the top 10 are reported from them. */
const HEAVY_HITTER_SLOTS = 256;

interface Tally {
  n: number;
}

/**
 * Counts the values of one column: exactly (a map of value -> count) up to `exactLimit`
 * distinct values, then approximately in bounded memory: a HyperLogLog sketch for the
 * distinct count and Misra-Gries heavy hitters for the most frequent values.
 */
export class ValueCounter {
  private exact: Map<string, Tally> | undefined = new Map();
  private sketch: DistinctSketch | undefined;
  private heavy: Map<string, Tally> | undefined;
  private approximateAdds = 0;
  /** Values counted before switching to approximate counting. */
  private exactTotal = 0;
  private heavyUseful = true;
  /** Every value so far came through addNumber: the sketch then hashes numbers, not text. */
  private numeric = true;

  constructor(
    private readonly budget: ExactCountBudget,
    private readonly exactLimit = 10_000,
  ) {}

  /** Whether counts are still exact. */
  get isExact(): boolean {
    return this.exact !== undefined;
  }

  /**
   * Counts one value. `trackFrequency` false skips the heavy-hitter update once counting is
   * approximate: numeric and date columns never report top values, and that update is the
   * most expensive part of counting a high-cardinality column.
   */
  add(value: string, trackFrequency = true): void {
    this.numeric = false;
    this.count(value, trackFrequency);
  }

  private count(value: string, trackFrequency: boolean): void {
    const exact = this.exact;
    if (exact !== undefined) {
      // One lookup per repeated value: the tally object is mutated in place.
      const tally = exact.get(value);
      if (tally !== undefined) {
        tally.n++;
        return;
      }
      if (exact.size < this.exactLimit && this.budget.entries > 0 && this.budget.chars >= value.length) {
        this.budget.entries -= 1;
        this.budget.chars -= value.length;
        exact.set(value, { n: 1 });
        return;
      }
      this.becomeApproximate(exact);
    }
    this.sketch!.add(value);
    if ((++this.approximateAdds & 0xffff) === 0) {
      // A column whose values are mostly new cannot end up categorical (that needs distinct
      // <= 5% of values), so its heavy hitters are not worth their cost; re-checked as it grows.
      this.heavyUseful = this.sketch!.estimate() <= 0.25 * (this.approximateAdds + this.exactTotal);
    }
    if (trackFrequency && this.heavyUseful) this.addHeavyHitter(value);
  }

  /**
   * Counts one numeric cell, `x` being its parsed `value`. Exact counting keeps the text (the
   * typed distinct count is derived from it later); once approximate, the sketch hashes the
   * number, and numbers never feed heavy hitters (numeric columns report no top values).
   */
  addNumber(x: number, value: string): void {
    if (this.exact !== undefined) {
      this.count(value, false);
      return;
    }
    this.sketch!.addNumber(x);
    this.approximateAdds++;
  }

  /**
   * Counts a number once counting is approximate, when its text is no longer needed; false
   * (nothing counted) while counting is exact, which keeps the text.
   */
  addApproximateNumber(x: number): boolean {
    if (this.exact !== undefined) return false;
    this.sketch!.addNumber(x);
    this.approximateAdds++;
    return true;
  }

  /**
   * add() of an ASCII value given as bytes, done without its string when nothing needs the
   * text: counting is approximate and heavy hitters are off. False (nothing counted) otherwise,
   * and on the add that re-checks heavyUseful, so add() does exactly what it would have.
   */
  addAsciiBytes(bytes: Uint8Array, start: number, end: number): boolean {
    if (this.exact !== undefined || this.heavyUseful || ((this.approximateAdds + 1) & 0xffff) === 0) return false;
    this.numeric = false;
    this.sketch!.addLatin1(bytes, start, end);
    this.approximateAdds++;
    return true;
  }

  /** Distinct values seen (estimated once approximate). */
  distinct(): number {
    return this.exact !== undefined ? this.exact.size : (this.sketch?.estimate() ?? 0);
  }

  /** The exact value -> count pairs, while counting is exact. */
  exactCounts(): Iterable<[string, number]> | undefined {
    const exact = this.exact;
    if (exact === undefined) return undefined;
    return (function* () {
      for (const [value, tally] of exact) yield [value, tally.n] as [string, number];
    })();
  }

  /** The `limit` most frequent values, by count then value; counts are lower bounds once approximate. */
  top(limit = 10): ValueCount[] {
    const pairs: [string, number][] = [
      ...(this.exactCounts() ?? [...(this.heavy ?? [])].map(([value, tally]) => [value, tally.n] as [string, number])),
    ];
    return pairs
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, limit)
      .map(([value, count]) => ({ value, count }));
  }

  private becomeApproximate(exact: Map<string, Tally>): void {
    const sketch = new DistinctSketch();
    const byCount = [...exact].sort((a, b) => b[1].n - a[1].n);
    // Later numbers are hashed as numbers, so the values counted so far must be too.
    for (const [value] of byCount) {
      if (this.numeric) sketch.addNumber(Number(value));
      else sketch.add(value);
    }
    this.heavy = new Map(byCount.filter(([value]) => value.length <= MAX_TRACKED_LENGTH).slice(0, HEAVY_HITTER_SLOTS));
    this.sketch = sketch;
    this.exact = undefined;
    for (const tally of exact.values()) this.exactTotal += tally.n;
    let chars = 0;
    for (const value of exact.keys()) chars += value.length;
    this.budget.entries += exact.size;
    this.budget.chars += chars;
  }

  private addHeavyHitter(value: string): void {
    if (value.length > MAX_TRACKED_LENGTH) return;
    const heavy = this.heavy!;
    const tally = heavy.get(value);
    if (tally !== undefined) {
      tally.n++;
    } else if (heavy.size < HEAVY_HITTER_SLOTS) {
      heavy.set(value, { n: 1 });
    } else {
      // Misra-Gries: a newcomer with no free slot decrements everyone. Each decrement round
      // removes HEAVY_HITTER_SLOTS + 1 counts, so its cost is amortised O(1) per value.
      for (const [key, entry] of heavy) {
        if (--entry.n === 0) heavy.delete(key);
      }
    }
  }
}
