/**
 * Request latencies are counted per fixed bucket (upper bounds in milliseconds, the last one
 * open): counts from any number of replicas and flushes add up, and percentiles are read back
 * from the sums to within a bucket's width.
 */
export const LATENCY_BOUNDS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, Infinity];

export function emptyLatencyCounts(): number[] {
  return LATENCY_BOUNDS_MS.map(() => 0);
}

export function latencyBucket(ms: number): number {
  let i = 0;
  while (ms > LATENCY_BOUNDS_MS[i]!) i++;
  return i;
}

/**
 * The `q`-th quantile (0..1) of counted latencies, interpolated inside its bucket; the open
 * last bucket answers its lower bound. Null without requests.
 */
export function latencyQuantile(counts: number[], q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i]!;
    if (count > 0 && seen + count >= rank) {
      const low = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1]!;
      const high = LATENCY_BOUNDS_MS[i]!;
      if (!Number.isFinite(high)) return low;
      return low + ((rank - seen) / count) * (high - low);
    }
    seen += count;
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 2]!;
}
