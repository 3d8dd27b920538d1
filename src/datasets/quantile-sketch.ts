import { midpoint } from './running-moments.ts';

/**
 * Quantiles of a stream of numbers in bounded memory: a KLL-style sketch (Karnin, Lang and
 * Liberty 2016) with a fixed capacity per level. Values are kept exactly until the first
 * level fills; then a full level is sorted and every other value (alternating which, so the
 * error does not drift one way) moves up a level with twice the weight. With n values it holds
 * about `capacity * log2(n / capacity)` numbers, and a quantile's rank error stays within a few
 * parts in `capacity` (deterministic: the same stream always gives the same answer).
 */
export class QuantileSketch {
  private readonly levels: number[][] = [[]];
  private compactions = 0;
  count = 0;

  constructor(private readonly capacity = 2048) {
    if (!Number.isInteger(capacity) || capacity < 8) throw new RangeError('capacity must be an integer >= 8');
  }

  add(value: number): void {
    this.count++;
    const bottom = this.levels[0]!;
    bottom.push(value);
    if (bottom.length >= this.capacity) this.compact(0);
  }

  /** True while every value is still held (no compaction yet): quantiles are then exact. */
  get isExact(): boolean {
    return this.compactions === 0;
  }

  /** The median; exact (the midpoint of the middle two for an even count) while isExact; 0 with no values. */
  median(): number {
    if (this.count === 0) return 0;
    if (this.isExact) {
      const sorted = [...this.levels[0]!].sort((a, b) => a - b);
      const middle = Math.floor(sorted.length / 2);
      return sorted.length % 2 === 1 ? sorted[middle]! : midpoint(sorted[middle - 1]!, sorted[middle]!);
    }
    return this.quantile(0.5);
  }

  /** The value at rank `q` (0..1) of the weighted values held; NaN with no values. */
  quantile(q: number): number {
    const weighted: [number, number][] = [];
    this.levels.forEach((level, height) => {
      for (const value of level) weighted.push([value, 2 ** height]);
    });
    if (weighted.length === 0) return NaN;
    weighted.sort((a, b) => a[0] - b[0]);
    const total = weighted.reduce((sum, [, weight]) => sum + weight, 0);
    const wanted = Math.min(1, Math.max(0, q)) * total;
    let seen = 0;
    for (const [value, weight] of weighted) {
      seen += weight;
      if (seen >= wanted) return value;
    }
    return weighted.at(-1)![0];
  }

  /** Numbers held: what the sketch costs (8 bytes each). */
  get retained(): number {
    return this.levels.reduce((sum, level) => sum + level.length, 0);
  }

  private compact(height: number): void {
    const level = this.levels[height]!.sort((a, b) => a - b);
    // An odd value out stays at this level, so the weights still sum to the count.
    const keep = level.length % 2 === 1 ? level.pop() : undefined;
    const offset = this.compactions++ % 2;
    const promoted: number[] = [];
    for (let i = offset; i < level.length; i += 2) promoted.push(level[i]!);
    this.levels[height] = keep === undefined ? [] : [keep];
    const above = (this.levels[height + 1] ??= []);
    for (const value of promoted) above.push(value);
    if (above.length >= this.capacity) this.compact(height + 1);
  }
}
