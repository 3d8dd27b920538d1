/**
 * The Tree-structured Parzen Estimator (Bergstra et al., 2011; Optuna's default sampler), in its
 * independent form: past trials are split into the best fraction ("good") and the rest, each
 * parameter gets a density over its range from each group (a truncated Gaussian per observation
 * plus a broad prior), and the next point takes, per parameter, the candidate drawn from the good
 * density that maximises good/bad. Until a few trials have finished it samples at random.
 */
import type { SeededRandom } from '../ml/seeded-random.ts';
import {
  fromInternal,
  internalBounds,
  parameterNames,
  sampleRandom,
  toInternal,
  type Params,
  type SearchSpace,
} from './search-space.ts';

/** A finished trial as the sampler sees it: its point and its loss (lower is better; Infinity for a stopped one). */
export interface Observation {
  params: Params;
  loss: number;
}

export interface TpeOptions {
  /** Trials sampled at random before the model takes over. */
  startupTrials: number;
  /** Candidates drawn from the good density per parameter. */
  candidates?: number;
  /** Fraction of observations (at most 25 of them) counted as good. */
  gamma?: number;
}

/** Trials sampled at random first: a quarter of the budget, between 3 and 10. */
export const defaultStartupTrials = (maxTrials: number) => Math.min(10, Math.max(3, Math.ceil(maxTrials / 4)));

/** The next point to try, given the finished trials (see the file comment). */
export function sampleTpe(
  space: SearchSpace,
  observations: Observation[],
  random: SeededRandom,
  options: TpeOptions,
): Params {
  if (observations.length < options.startupTrials) return sampleRandom(space, random);
  // Stable order: ties (e.g. stopped trials, all Infinity) keep the order they came in.
  const sorted = observations.map((o, i) => ({ ...o, i })).sort((a, b) => a.loss - b.loss || a.i - b.i);
  const goodCount = Math.max(1, Math.min(25, Math.ceil((options.gamma ?? 0.25) * sorted.length)));
  const good = sorted.slice(0, goodCount);
  const bad = sorted.slice(goodCount);
  const candidates = options.candidates ?? 24;
  const params: Params = {};
  for (const name of parameterNames(space)) {
    const parameter = space[name]!;
    if (parameter.type === 'choice') {
      const weights = (group: typeof good) => {
        const counts = parameter.values.map(() => 1); // a uniform prior of one trial per value
        for (const o of group) {
          const index = parameter.values.indexOf(o.params[name] as never);
          if (index >= 0) counts[index]! += 1;
        }
        const total = counts.reduce((a, b) => a + b, 0);
        return counts.map((count) => count / total);
      };
      const l = weights(good);
      const g = weights(bad);
      let best = 0;
      let bestScore = -Infinity;
      for (let c = 0; c < candidates; c++) {
        const index = drawCategorical(l, random);
        const score = Math.log(l[index]!) - Math.log(g[index]!);
        if (score > bestScore) [best, bestScore] = [index, score];
      }
      params[name] = parameter.values[best]!;
      continue;
    }
    const [low, high] = internalBounds(parameter);
    const points = (group: typeof good) =>
      group
        .map((o) => o.params[name])
        .filter((v): v is number => typeof v === 'number')
        .map((v) => toInternal(parameter, v));
    const l = parzen(points(good), low, high);
    const g = parzen(points(bad), low, high);
    let best = l.sample(random);
    let bestScore = -Infinity;
    for (let c = 0; c < candidates; c++) {
      const x = c === 0 ? best : l.sample(random);
      const score = l.logDensity(x) - g.logDensity(x);
      if (score > bestScore) [best, bestScore] = [x, score];
    }
    params[name] = fromInternal(parameter, best);
  }
  return params;
}

function drawCategorical(weights: number[], random: SeededRandom): number {
  let u = random.next();
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i]!;
    if (u < 0) return i;
  }
  return weights.length - 1;
}

/** A mixture of Gaussians truncated to [low, high]: one per point, and a prior over the whole range. */
export interface Parzen {
  logDensity(x: number): number;
  sample(random: SeededRandom): number;
}

/**
 * The Parzen estimator over `points` in [low, high]: each point's bandwidth is the larger gap
 * to its neighbours (the bounds included), kept between range/min(100, n+1) and the range, as
 * Optuna does; the prior is centred on the range with the range as its bandwidth.
 */
export function parzen(points: number[], low: number, high: number): Parzen {
  const range = Math.max(high - low, 1e-12);
  const sorted = [...points].sort((a, b) => a - b);
  const minSigma = range / Math.min(100, sorted.length + 1);
  const components = sorted.map((mu, i) => {
    const left = mu - (i === 0 ? low : sorted[i - 1]!);
    const right = (i === sorted.length - 1 ? high : sorted[i + 1]!) - mu;
    return { mu, sigma: Math.min(range, Math.max(minSigma, left, right)) };
  });
  components.push({ mu: (low + high) / 2, sigma: range });
  const weight = 1 / components.length;
  // Each component's mass inside [low, high], to renormalise its truncated density.
  const mass = components.map(({ mu, sigma }) =>
    Math.max(1e-12, normalCdf((high - mu) / sigma) - normalCdf((low - mu) / sigma)),
  );
  return {
    logDensity(x) {
      let density = 0;
      components.forEach(({ mu, sigma }, i) => {
        const z = (x - mu) / sigma;
        density += (weight * Math.exp(-0.5 * z * z)) / (sigma * Math.sqrt(2 * Math.PI) * mass[i]!);
      });
      return Math.log(Math.max(density, 1e-300));
    },
    sample(random) {
      const { mu, sigma } = components[Math.min(components.length - 1, Math.floor(random.next() * components.length))]!;
      // Rejection from the component truncated to the range; a handful of tries nearly always land.
      for (let tries = 0; tries < 64; tries++) {
        const x = mu + sigma * gaussian(random);
        if (x >= low && x <= high) return x;
      }
      return Math.min(high, Math.max(low, mu));
    },
  };
}

/** A standard normal draw (Box-Muller). */
function gaussian(random: SeededRandom): number {
  const u = Math.max(random.next(), 1e-12);
  const v = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** The standard normal CDF, by the Abramowitz-Stegun erf approximation (error < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
