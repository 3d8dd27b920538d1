import { z } from 'zod';
import { UnprocessableError } from '../../errors.ts';
import { SeededRandom } from '../../ml/seeded-random.ts';
import { seedSchema } from '../../models/model-spec.ts';

/** How rows are divided: fractions for validation (early stopping, valLoss) and test (metrics). */
export const splitSpecSchema = z
  .object({
    test: z.number().gt(0).max(0.5).default(0.2),
    validation: z.number().min(0).max(0.5).default(0.1),
    /** Defaults to the model's seed, so one seed reproduces the whole run. */
    seed: seedSchema,
    /** Keep class proportions in every part (classification only). */
    stratify: z.boolean().default(true),
  })
  .strict()
  .refine((split) => split.test + split.validation <= 0.6, {
    message: 'test + validation may not exceed 0.6 of the rows',
    path: ['validation'],
  });
export type SplitSpec = z.output<typeof splitSpecSchema>;
export type SplitSpecInput = z.input<typeof splitSpecSchema>;
/** The split of a request that names none. */
export const defaultSplit: SplitSpec = splitSpecSchema.parse({});

export interface SplitIndices {
  train: number[];
  validation: number[];
  test: number[];
}

/** Rows below which a three-way split leaves too little to learn or to measure. */
export const MIN_TRAINING_ROWS = 4;

/** Fractions of the rows held out: for validation (early stopping, valLoss) and test (metrics). */
type Fractions = Pick<SplitSpec, 'test' | 'validation'>;

/**
 * Splits row indices reproducibly from `seed`. With `strata` (class indices) each class is
 * divided in the requested proportions; a class too small to spare a row stays in training.
 * Throws UnprocessableError when the training or test part would be too small.
 */
export function splitRows(rowCount: number, spec: Fractions, seed: number, strata?: number[]): SplitIndices {
  const random = new SeededRandom(seed);
  const groups = new Map<number, number[]>();
  for (let index = 0; index < rowCount; index++) {
    const key = strata?.[index] ?? 0;
    const group = groups.get(key) ?? [];
    group.push(index);
    groups.set(key, group);
  }
  const parts: SplitIndices = { train: [], validation: [], test: [] };
  // Keys in sorted order so the result does not depend on which class came first.
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const members = random.shuffle(groups.get(key) as number[]);
    const sizes = partSizes(members.length, spec);
    parts.test.push(...members.slice(0, sizes.test));
    parts.validation.push(...members.slice(sizes.test, sizes.test + sizes.validation));
    parts.train.push(...members.slice(sizes.test + sizes.validation));
  }
  if (!usable({ train: parts.train.length, validation: parts.validation.length, test: parts.test.length }, spec))
    throw tooFewRows(rowCount, spec);
  // Shuffle across classes too, so training batches are not sorted by class.
  random.shuffle(parts.train);
  return parts;
}

/**
 * Refuses, before any row is read, a split that cannot work on at most `rowCount` rows: split
 * as one group, when no count of rows up to it splits usably; stratified (the class sizes
 * unknown), when even a single class of all the rows would get no test or validation row.
 */
export function requireSplit(rowCount: number, spec: Fractions, stratified: boolean): void {
  const whole = partSizes(rowCount, spec);
  // Held-out parts only grow with the rows: none at rowCount, none below it either.
  const heldOut = whole.test > 0 && !(spec.validation > 0 && whole.validation === 0);
  const possible =
    heldOut &&
    (stratified ||
      Array.from({ length: rowCount }, (_, i) => rowCount - i).some((count) => usable(partSizes(count, spec), spec)));
  if (!possible) throw tooFewRows(rowCount, spec);
}

type PartSizes = Pick<WindowSplit, 'train' | 'validation' | 'test'>;

/** One group's parts: held-out parts rounded from the fractions, at least one row left to train on. */
function partSizes(count: number, spec: Fractions): PartSizes {
  const test = Math.min(Math.round(count * spec.test), Math.max(0, count - 1));
  const validation = Math.min(Math.round(count * spec.validation), Math.max(0, count - 1 - test));
  return { train: count - test - validation, validation, test };
}

/** Enough to learn from, and each requested held-out part not empty. */
function usable(parts: PartSizes, spec: Fractions): boolean {
  return parts.test > 0 && parts.train >= MIN_TRAINING_ROWS && !(spec.validation > 0 && parts.validation === 0);
}

export function tooFewRows(rowCount: number, spec: Fractions): UnprocessableError {
  return new UnprocessableError(
    'too_few_rows',
    `${rowCount} usable rows are too few for a split with test ${spec.test} and validation ${spec.validation}: ` +
      `training needs at least ${MIN_TRAINING_ROWS} rows and each held-out part at least one.`,
    [{ path: 'split', message: `${rowCount} rows` }],
  );
}

/** How sequence windows are cut: `lookback` rows every `stride` rows, and a forecast's `horizon` rows after each. */
export interface Windowing {
  lookback: number;
  horizon: number;
  stride: number;
  forecast: boolean;
}

/** How many windows go to each part, and the windows left out between parts. */
export interface WindowSplit {
  windows: number;
  train: number;
  validation: number;
  test: number;
  gap: number;
}

/**
 * Splits the windows of `rows` time-ordered rows in time order (train, then validation, then
 * test), leaving horizon - 1 windows out between parts so no target value is shared across
 * them. Throws UnprocessableError when training would get fewer than MIN_TRAINING_ROWS
 * windows. With `atMost`, `rows` is only an upper bound (rows with missing values are left out
 * later): it throws only when no count of rows up to it would do, as more rows can round into
 * fewer training windows.
 */
export function splitWindows(
  rows: number,
  windowing: Windowing,
  split: Fractions,
  { atMost = false } = {},
): WindowSplit {
  const gap = (windowing.forecast ? windowing.horizon : 1) - 1;
  const windows =
    Math.floor((rows - windowing.lookback - (windowing.forecast ? windowing.horizon : 0)) / windowing.stride) + 1;
  const partsOf = (count: number): WindowSplit => {
    const test = Math.max(1, Math.round(count * split.test));
    const validation = split.validation > 0 ? Math.max(1, Math.round(count * split.validation)) : 0;
    return {
      windows: count,
      train: count - test - validation - (validation > 0 ? 2 * gap : gap),
      validation,
      test,
      gap,
    };
  };
  const parts = partsOf(windows);
  const trains = (count: number) => partsOf(count).train >= MIN_TRAINING_ROWS;
  // Short of it, `windows` is small (a few hundred at most), so the search is too.
  if (!trains(windows) && !(atMost && Array.from({ length: Math.max(0, windows - 1) }, (_, i) => i + 1).some(trains))) {
    throw new UnprocessableError(
      'too_few_rows',
      `${atMost ? 'At most ' : ''}${rows} complete rows make ${Math.max(0, windows)} windows ` +
        `of lookback ${windowing.lookback}; too few to train, validate and test.`,
      [{ path: 'model.sequence.lookback', message: 'too few windows' }],
    );
  }
  return parts;
}
