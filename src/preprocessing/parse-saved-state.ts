import type { z } from 'zod';
import { ValidationError } from '../errors.ts';

/**
 * Parses a preprocessing state saved with a model. It is read back from an artifact, so a
 * malformed one is reported as a ValidationError naming each wrong field rather than a bare
 * ZodError; `what` names the state in the message ("The <what> state is malformed.").
 */
export function parseSavedState<T extends z.ZodType>(schema: T, json: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new ValidationError(
      `The ${what} state is malformed.`,
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  return parsed.data;
}
