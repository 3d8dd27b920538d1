/**
 * Sampled Shapley values (Štrumbelj & Kononenko's permutation sampling), model-agnostic: each
 * sample draws a permutation of the players (dataset columns, or tokens) and a background row,
 * then adds the instance's players to the background row one at a time in that order; a
 * player's attribution is the mean change of the output when it joins. Every sample's changes
 * add up to f(instance) − f(background row), so with the baseline taken as the mean output of
 * the background rows used, baseline + Σ attributions = f(instance) exactly (up to float
 * rounding), whatever the sample count. Samples come in antithetic pairs (a permutation and its
 * reverse, same background row), which lowers the variance for the same cost. Background rows
 * are used round-robin in a seeded order, so a sample count that is a multiple of the
 * background's size uses each row equally and the baseline is the background's mean output.
 */
import { SeededRandom } from '../ml/seeded-random.ts';

/** A player: the slots of the encoded row it owns. */
export interface Player {
  offset: number;
  width: number;
}

export interface ShapleyInput {
  /** The encoded instance, `width` floats. */
  instance: Float32Array;
  /** Encoded background rows, row-major. */
  background: Float32Array;
  backgroundRows: number;
  players: Player[];
  /** The explained output of each of `rows` encoded rows (row-major). */
  evaluate: (x: Float32Array, rows: number) => number[] | Promise<number[]>;
  samples: number;
  seed: number;
}

export interface Attribution {
  /** Mean output of the background rows used. */
  baseline: number;
  /** The instance's output. */
  value: number;
  /** One per player, in the players' order. */
  attributions: number[];
}

export async function sampledShapley(input: ShapleyInput): Promise<Attribution> {
  const { instance, background, backgroundRows, players, samples } = input;
  const width = instance.length;
  const random = new SeededRandom(input.seed);
  const order = random.shuffle(Array.from({ length: backgroundRows }, (_, i) => i));
  const permutations: number[][] = [];
  const rowsOf: number[] = [];
  for (let s = 0; s < samples; s++) {
    const previous = permutations[s - 1];
    permutations.push(s % 2 === 1 && previous ? [...previous].reverse() : random.shuffle(players.map((_, i) => i)));
    rowsOf.push(order[Math.floor(s / 2) % backgroundRows]!);
  }
  // One batch: per sample, the background row and then one row per player joined.
  const steps = players.length + 1;
  const x = new Float32Array(samples * steps * width);
  permutations.forEach((permutation, s) => {
    const base = s * steps * width;
    const from = rowsOf[s]! * width;
    x.set(background.subarray(from, from + width), base);
    permutation.forEach((player, k) => {
      const at = base + (k + 1) * width;
      x.copyWithin(at, at - width, at);
      const { offset, width: slots } = players[player]!;
      x.set(instance.subarray(offset, offset + slots), at + offset);
    });
  });
  const outputs = await input.evaluate(x, samples * steps);
  const attributions = new Array<number>(players.length).fill(0);
  let baseline = 0;
  let value = 0;
  permutations.forEach((permutation, s) => {
    const first = s * steps;
    baseline += outputs[first]!;
    value += outputs[first + players.length]!;
    permutation.forEach((player, k) => {
      attributions[player]! += outputs[first + k + 1]! - outputs[first + k]!;
    });
  });
  return {
    baseline: baseline / samples,
    value: value / samples,
    attributions: attributions.map((sum) => sum / samples),
  };
}
