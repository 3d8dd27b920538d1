import { z } from 'zod';

/** Model names appear in URL paths (`/v1/models/{name}:predict`), so no colons or slashes. */
export const modelNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'letters, digits, _ . - (at most 100, starting with a letter or digit)');
