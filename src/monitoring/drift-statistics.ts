/**
 * Distances between a training distribution and a recent one, on binned or categorical
 * proportions (PSI, Jensen-Shannon) and on samples of numbers (two-sample Kolmogorov-Smirnov).
 */

/** Bins with no observation get this share, so PSI stays finite (the usual practice). */
const EPSILON = 1e-4;

/** Shares of each count in its total (all 0 for an empty total). */
export function proportions(counts: number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((count) => (total === 0 ? 0 : count / total));
}

/**
 * Population stability index: sum of (actual - expected) * ln(actual / expected). Below 0.1 is
 * usually read as stable, 0.1-0.25 as a moderate shift, above 0.25 as a major one.
 */
export function populationStabilityIndex(expected: number[], actual: number[]): number {
  let psi = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i]!, EPSILON);
    const a = Math.max(actual[i] ?? 0, EPSILON);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/** Jensen-Shannon divergence in bits (0 = identical, 1 = disjoint). */
export function jensenShannon(p: number[], q: number[]): number {
  let divergence = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i]!;
    const b = q[i] ?? 0;
    const m = (a + b) / 2;
    if (a > 0) divergence += 0.5 * a * Math.log2(a / m);
    if (b > 0) divergence += 0.5 * b * Math.log2(b / m);
  }
  return divergence;
}

/** The two-sample Kolmogorov-Smirnov statistic: the largest gap between the samples' CDFs. */
export function kolmogorovSmirnov(sortedA: number[], sortedB: number[]): number {
  if (sortedA.length === 0 || sortedB.length === 0) return 0;
  let i = 0;
  let j = 0;
  let gap = 0;
  while (i < sortedA.length && j < sortedB.length) {
    const x = Math.min(sortedA[i]!, sortedB[j]!);
    while (i < sortedA.length && sortedA[i]! <= x) i++;
    while (j < sortedB.length && sortedB[j]! <= x) j++;
    gap = Math.max(gap, Math.abs(i / sortedA.length - j / sortedB.length));
  }
  return gap;
}

/** The bin of `value` among ascending inner `edges`: 0 below the first, edges.length at or above the last. */
export function binOf(edges: number[], value: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (value < edges[mid]!) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** Inner edges cutting sorted values into (up to) `bins` equally filled bins, duplicates removed. */
export function quantileEdges(sorted: number[], bins: number): number[] {
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const edge = sorted[Math.floor((k * sorted.length) / bins)];
    if (edge !== undefined && edge !== edges[edges.length - 1] && edge > sorted[0]!) edges.push(edge);
  }
  return edges;
}

/** At most `size` values spread evenly over a sorted list (its quantiles), for KS against later samples. */
export function quantileSample(sorted: number[], size: number): number[] {
  if (sorted.length <= size) return sorted;
  return Array.from({ length: size }, (_, i) => sorted[Math.floor(((i + 0.5) * sorted.length) / size)]!);
}
