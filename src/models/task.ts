import type { ColumnProfile } from '../datasets/column-profile.ts';
import { UnprocessableError } from '../errors.ts';

/** The learning task a model version solves. */
export type Task = 'classification' | 'regression';

// An integer target with this few distinct values reads as codes (0/1, ratings 1..5, ...)
// rather than a quantity; above it, counts and amounts are better served by regression.
const MAX_INTEGER_CLASSES = 10;
/** More classes than this is almost always a mistaken target (an id, a free-text column). */
export const MAX_CLASSES = 100;

/**
 * Infers the task from the target's profile: categorical and boolean targets are
 * classification, real numbers regression, integers classification only when they take
 * few distinct values. Text and datetime targets cannot be learnt by tabular models.
 */
export function inferTask(target: ColumnProfile): Task {
  switch (target.type) {
    case 'categorical':
    case 'boolean':
      return 'classification';
    case 'integer':
      return target.distinct <= MAX_INTEGER_CLASSES ? 'classification' : 'regression';
    case 'number':
      return 'regression';
    default:
      throw new UnprocessableError(
        'unsupported_target',
        `The target '${target.name}' is a ${target.type} column; choose a numeric, boolean or categorical target.`,
        [{ path: 'target', message: `${target.type} columns cannot be a target` }],
      );
  }
}

/** The requested task checked against the target, or the inferred one when none was requested. */
export function resolveTask(target: ColumnProfile, requested?: Task): Task {
  const task = requested ?? inferTask(target);
  if (target.type === 'text' || target.type === 'datetime') inferTask(target);
  if (task === 'regression' && target.type !== 'number' && target.type !== 'integer') {
    throw new UnprocessableError(
      'target_not_numeric',
      `Regression needs a numeric target; '${target.name}' is ${target.type}.`,
      [{ path: 'task', message: `regression is not possible on a ${target.type} target` }],
    );
  }
  if (task === 'classification' && target.distinct > MAX_CLASSES) {
    throw new UnprocessableError(
      'too_many_classes',
      `The target '${target.name}' has ${target.distinct} distinct values; ` +
        `classification supports at most ${MAX_CLASSES}.`,
      [{ path: 'target', message: `more than ${MAX_CLASSES} classes` }],
    );
  }
  return task;
}
