import { z } from 'zod';
import { UnprocessableError } from '../../errors.ts';
import { SeededRandom } from '../../ml/seeded-random.ts';

/** How rows are divided: fractions for validation (early stopping, valLoss) and test (metrics). */
export const splitSpecSchema = z
  .object({
    test: z.number().gt(0).max(0.5).default(0.2),
    validation: z.number().min(0).max(0.5).default(0.1),
    /** Defaults to the model's seed, so one seed reproduces the whole run. */
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    /** Keep class proportions in every part (classification only). */
    stratify: z.boolean().default(true),
  })
  .strict()
  .refine((split) => split.test + split.validation <= 0.6, { message: 'test + validation may not exceed 0.6 of the rows', path: ['validation'] });
export type SplitSpec = z.output<typeof splitSpecSchema>;
export type SplitSpecInput = z.input<typeof splitSpecSchema>;

export interface SplitIndices {
  train: number[];
  validation: number[];
  test: number[];
}

/** Rows below which a three-way split leaves too little to learn or to measure. */
export const MIN_TRAINING_ROWS = 4;

/**
 * Splits row indices reproducibly from `seed`. With `strata` (class indices) each class is
 * divided in the requested proportions; a class too small to spare a row stays in training.
 * Throws UnprocessableError when the training or test part would be too small.
 */
export function splitRows(rowCount: number, spec: { test: number; validation: number }, seed: number, strata?: number[]): SplitIndices {
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
    const testCount = Math.min(Math.round(members.length * spec.test), Math.max(0, members.length - 1));
    const validationCount = Math.min(Math.round(members.length * spec.validation), Math.max(0, members.length - 1 - testCount));
    parts.test.push(...members.slice(0, testCount));
    parts.validation.push(...members.slice(testCount, testCount + validationCount));
    parts.train.push(...members.slice(testCount + validationCount));
  }
  if (parts.test.length === 0 || parts.train.length < MIN_TRAINING_ROWS || (spec.validation > 0 && parts.validation.length === 0)) {
    throw new UnprocessableError(
      'too_few_rows',
      `${rowCount} usable rows are too few for a split with test ${spec.test} and validation ${spec.validation}: ` +
        `training needs at least ${MIN_TRAINING_ROWS} rows and each held-out part at least one.`,
      [{ path: 'split', message: `${rowCount} rows` }],
    );
  }
  // Shuffle across classes too, so training batches are not sorted by class.
  random.shuffle(parts.train);
  return parts;
}
