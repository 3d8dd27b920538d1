/**
 * Above this magnitude the moments are kept in scaled units: a squared deviation of values
 * near 1e200 is 1e400, past the largest double, and the sum of 1e300s overflows just the same.
 * Below it, nothing is scaled, so ordinary columns get exactly the plain Welford results.
 */
const SCALE_FROM = 2 ** 400;

/**
 * Mean and variance of a stream of finite numbers by Welford's update, finite for any finite
 * inputs: once a value passes SCALE_FROM, every moment is held divided by a power of two at
 * least the largest magnitude seen (a power of two, so rescaling loses no precision), which
 * keeps deviations within [-2, 2] and their squares far from overflowing.
 */
export class RunningMoments {
  count = 0;
  private scale = 1;
  /** The mean divided by `scale`. */
  private scaledMean = 0;
  /** The sum of squared deviations divided by `scale` squared. */
  private scaledM2 = 0;

  add(x: number): void {
    const magnitude = Math.abs(x);
    if (magnitude > SCALE_FROM && magnitude > this.scale) this.rescale(magnitude);
    const scaled = x / this.scale;
    const count = ++this.count;
    const delta = scaled - this.scaledMean;
    this.scaledMean += delta / count;
    this.scaledM2 += delta * (scaled - this.scaledMean);
  }

  /** The arithmetic mean; 0 before any value. */
  get mean(): number {
    return this.scaledMean * this.scale;
  }

  /**
   * The standard deviation: the sample one (n - 1) by default, the population one (n) when
   * `sample` is false; 0 for fewer than two values. Infinity only when the true deviation
   * itself passes the largest double (values near both +1.8e308 and -1.8e308).
   */
  std(sample = true): number {
    const divisor = sample ? this.count - 1 : this.count;
    if (divisor <= 0) return 0;
    return Math.sqrt(this.scaledM2 / divisor) * this.scale;
  }

  private rescale(magnitude: number): void {
    // The next power of two at or above the magnitude; 2^1024 is not a double, so cap at 2^1023.
    const exponent = Math.min(1023, Math.ceil(Math.log2(magnitude)));
    const scale = 2 ** exponent;
    const ratio = this.scale / scale;
    this.scaledMean *= ratio;
    this.scaledM2 *= ratio * ratio;
    this.scale = scale;
  }
}

/**
 * The mean and standard deviation of `values` (population by default), overflow-safe. Values
 * within SCALE_FROM take the plain two-pass sums, exactly as before scaling existed, so models
 * fitted on ordinary data do not change; larger ones take the scaled stream.
 */
export function momentsOf(values: readonly number[], sample = false): { mean: number; std: number } {
  const divisor = sample ? values.length - 1 : values.length;
  if (values.every((value) => Math.abs(value) <= SCALE_FROM)) {
    const mean = values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
    const squares = values.reduce((sum, value) => sum + (value - mean) ** 2, 0);
    return { mean, std: divisor > 0 ? Math.sqrt(squares / divisor) : 0 };
  }
  const moments = new RunningMoments();
  for (const value of values) moments.add(value);
  return { mean: moments.mean, std: moments.std(sample) };
}

/** The midpoint of two numbers without overflowing their sum. */
export function midpoint(a: number, b: number): number {
  const sum = (a + b) / 2;
  return Number.isFinite(sum) ? sum : a / 2 + b / 2;
}

/** `value` when finite, else null: what a stored statistic holds when it has no finite value. */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
