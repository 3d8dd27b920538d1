import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../ml/seeded-random.ts';
import { continuesAtRung, defaultMinEpochs, rungEpochs } from './asha.ts';
import { cornerPoints, materialize, sampleRandom, searchSpaceSchema } from './search-space.ts';
import { normalCdf, parzen, sampleTpe, type Observation } from './tpe.ts';

const space = searchSpaceSchema.parse({
  learningRate: { type: 'float', min: 1e-4, max: 1, scale: 'log' },
  batchSize: { type: 'int', min: 8, max: 64 },
  type: { type: 'choice', values: ['logistic', 'mlp'] },
  'hiddenLayers.0.units': { type: 'int', min: 4, max: 64, scale: 'log' },
});

describe('search space', () => {
  it('draws every parameter within its range, the same for the same seed', () => {
    const a = sampleRandom(space, new SeededRandom(7));
    expect(sampleRandom(space, new SeededRandom(7))).toEqual(a);
    for (let i = 0; i < 200; i++) {
      const p = sampleRandom(space, new SeededRandom(i));
      expect(p.learningRate as number).toBeGreaterThanOrEqual(1e-4);
      expect(p.learningRate as number).toBeLessThanOrEqual(1);
      expect(Number.isInteger(p.batchSize)).toBe(true);
      expect(p.batchSize as number).toBeGreaterThanOrEqual(8);
      expect(p.batchSize as number).toBeLessThanOrEqual(64);
      expect(['logistic', 'mlp']).toContain(p.type);
    }
  });

  it('draws log-scaled values evenly across decades', () => {
    const draws = Array.from(
      { length: 2000 },
      (_, i) => sampleRandom(space, new SeededRandom(i)).learningRate as number,
    );
    const below = draws.filter((v) => v < 1e-2).length / draws.length;
    expect(below).toBeGreaterThan(0.4);
    expect(below).toBeLessThan(0.6);
  });

  it('sets dotted paths on a copy and drops fields the drawn family does not take', () => {
    const base = { type: 'mlp', epochs: 5 };
    const mlp = materialize(base, { type: 'mlp', 'hiddenLayers.0.units': 12, learningRate: 0.1 });
    expect(mlp).toMatchObject({ type: 'mlp', epochs: 5, learningRate: 0.1, hiddenLayers: [{ units: 12 }] });
    const logistic = materialize(base, { type: 'logistic', 'hiddenLayers.0.units': 12 });
    expect(logistic.type).toBe('logistic');
    expect('hiddenLayers' in logistic).toBe(false);
    expect(base).toEqual({ type: 'mlp', epochs: 5 });
  });

  it('refuses a point that makes an invalid spec, naming the parameter', () => {
    expect(() => materialize({ type: 'logistic' }, { epochs: 0 })).toThrow(/searchSpace\.epochs/);
    expect(() => materialize({ type: 'logistic' }, { learningRat: 0.1 })).toThrow(/learningRat/);
  });

  it('lists corners covering both ends and every choice', () => {
    const corners = cornerPoints(space);
    expect(corners.some((c) => c.learningRate === 1e-4 && c.type === 'logistic')).toBe(true);
    expect(corners.some((c) => c.learningRate === 1 && c.type === 'mlp')).toBe(true);
  });

  it('refuses empty spaces, inverted ranges and log ranges from zero', () => {
    expect(searchSpaceSchema.safeParse({}).success).toBe(false);
    expect(searchSpaceSchema.safeParse({ l2: { type: 'float', min: 1, max: 0 } }).success).toBe(false);
    expect(searchSpaceSchema.safeParse({ l2: { type: 'float', min: 0, max: 1, scale: 'log' } }).success).toBe(false);
  });
});

describe('TPE', () => {
  it('has a normal CDF within 1e-6 of known values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 3);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 5);
  });

  it('has a Parzen density that integrates to about 1 over its range', () => {
    const density = parzen([0.2, 0.3, 0.8], 0, 1);
    let integral = 0;
    for (let i = 0; i < 1000; i++) integral += Math.exp(density.logDensity((i + 0.5) / 1000)) / 1000;
    expect(integral).toBeGreaterThan(0.97);
    expect(integral).toBeLessThan(1.03);
  });

  it('proposes points near the good ones on a 1-D problem and beats random search', () => {
    const one = searchSpaceSchema.parse({ x: { type: 'float', min: -10, max: 10 } });
    const loss = (x: number) => (x - 3.3) ** 2;
    const run = (adaptive: boolean, seed: number) => {
      const observations: Observation[] = [];
      for (let n = 0; n < 30; n++) {
        const random = new SeededRandom(seed * 1000 + n);
        const params = adaptive
          ? sampleTpe(one, observations, random, { startupTrials: 5 })
          : sampleRandom(one, random);
        observations.push({ params, loss: loss(params.x as number) });
      }
      return Math.min(...observations.map((o) => o.loss));
    };
    let tpeWins = 0;
    for (let seed = 1; seed <= 10; seed++) if (run(true, seed) <= run(false, seed)) tpeWins++;
    expect(tpeWins).toBeGreaterThanOrEqual(7);
  });

  it('prefers the choice that did well', () => {
    const choice = searchSpaceSchema.parse({ c: { type: 'choice', values: ['a', 'b', 'c'] } });
    const observations: Observation[] = Array.from({ length: 12 }, (_, i) => {
      const c = ['a', 'b', 'c'][i % 3]!;
      return { params: { c }, loss: c === 'b' ? 0.1 + i / 100 : 1 + i / 100 };
    });
    const picks = Array.from(
      { length: 20 },
      (_, i) => sampleTpe(choice, observations, new SeededRandom(i), { startupTrials: 3 }).c,
    );
    expect(picks.filter((c) => c === 'b').length).toBeGreaterThan(15);
  });
});

describe('ASHA', () => {
  it('places rungs at minEpochs times powers of eta below the epochs', () => {
    expect(rungEpochs({ minEpochs: 1, reductionFactor: 3 }, 30)).toEqual([1, 3, 9, 27]);
    expect(rungEpochs({ minEpochs: 2, reductionFactor: 2 }, 8)).toEqual([2, 4]);
    expect(defaultMinEpochs(100, 3)).toBe(4);
  });

  it('lets the best 1/eta of a rung go on and stops the rest', () => {
    expect(continuesAtRung(0.5, [], 3)).toBe(true);
    expect(continuesAtRung(0.5, [0.4], 3)).toBe(false);
    expect(continuesAtRung(0.3, [0.4], 3)).toBe(true);
    // Six values: the best two go on.
    expect(continuesAtRung(0.25, [0.1, 0.2, 0.3, 0.4, 0.5], 3)).toBe(false);
    expect(continuesAtRung(0.15, [0.1, 0.2, 0.3, 0.4, 0.5], 3)).toBe(true);
    expect(continuesAtRung(Number.NaN, [], 3)).toBe(false);
  });
});
