import type { ColumnProfile } from '../../src/datasets/column-profile.ts';

/**
 * A column's profile as ingestion would report it, reduced to what feature selection, task
 * inference and preprocessing read: tests that need no real dataset describe columns with it.
 */
export function columnProfile(name: string, type: ColumnProfile['type'], distinct: number, missing = 0): ColumnProfile {
  return { name, type, distinct, missing, distinctApproximate: false };
}
