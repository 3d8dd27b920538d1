import type { ColumnProfile } from '../datasets/column-profile.ts';
import { UnprocessableError, ValidationError } from '../errors.ts';
import type { FieldIssue } from '../errors.ts';

/** Why a column is not a model input. */
export type ExclusionReason =
  'all_missing' | 'constant' | 'id_like' | 'high_cardinality' | 'text' | 'datetime' | 'not_requested';

export interface ExcludedColumn {
  name: string;
  reason: ExclusionReason;
  detail: string;
}

export interface FeatureSelection {
  features: ColumnProfile[];
  excluded: ExcludedColumn[];
}

// A string column whose distinct values cover nearly every row identifies rows rather than
// describing them; it cannot generalise and one-hot encoding it only memorises.
const ID_LIKE_RATIO = 0.95;
// Far more categories than a small tabular model can learn from: one-hot would be mostly noise.
const MAX_CATEGORIES = 100;
const HIGH_CARDINALITY_RATIO = 0.5;

/**
 * Chooses the model inputs among `columns` (the target excluded). With an explicit `requested`
 * list only those are used, in that order; otherwise every encodable column that is not
 * constant, id-like or of a type the tabular models do not handle yet. Throws ValidationError
 * naming unknown or unusable requested columns, UnprocessableError when nothing is left.
 */
export function selectFeatures(
  columns: ColumnProfile[],
  target: string,
  rowCount: number,
  requested?: string[],
): FeatureSelection {
  const byName = new Map(columns.map((column) => [column.name, column]));
  if (requested !== undefined) return selectRequested(byName, target, requested);

  const features: ColumnProfile[] = [];
  const excluded: ExcludedColumn[] = [];
  for (const column of columns) {
    if (column.name === target) continue;
    const exclusion = automaticExclusion(column, rowCount);
    if (exclusion) excluded.push({ name: column.name, ...exclusion });
    else features.push(column);
  }
  if (features.length === 0) {
    const reasons = excluded.map((e) => `${e.name} (${e.reason})`).join(', ') || 'the dataset has no other column';
    throw new UnprocessableError(
      'no_usable_features',
      `No column can be used as a feature for target '${target}': ${reasons}.`,
    );
  }
  return { features, excluded };
}

function automaticExclusion(column: ColumnProfile, rowCount: number): Omit<ExcludedColumn, 'name'> | undefined {
  const present = Math.max(0, rowCount - column.missing);
  if (column.type === 'text') return { reason: 'text', detail: 'free text is not encoded by tabular models yet' };
  if (column.type === 'datetime') return { reason: 'datetime', detail: 'dates are not encoded by tabular models yet' };
  if (present === 0 || column.distinct === 0) return { reason: 'all_missing', detail: 'every value is missing' };
  if (column.distinct === 1) return { reason: 'constant', detail: 'a single distinct value carries no information' };
  if (column.type === 'categorical') {
    if (present >= 10 && column.distinct >= ID_LIKE_RATIO * present) {
      return {
        reason: 'id_like',
        detail: `${column.distinct} distinct values in ${present} rows: an identifier, not a feature`,
      };
    }
    if (column.distinct > MAX_CATEGORIES && column.distinct > HIGH_CARDINALITY_RATIO * present) {
      return {
        reason: 'high_cardinality',
        detail: `${column.distinct} distinct values in ${present} rows are too many categories to one-hot encode`,
      };
    }
  }
  return undefined;
}

function selectRequested(byName: Map<string, ColumnProfile>, target: string, requested: string[]): FeatureSelection {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  requested.forEach((name, index) => {
    const column = byName.get(name);
    const path = `features.${index}`;
    if (!column) issues.push({ path, message: `Unknown column '${name}'.` });
    else if (name === target) issues.push({ path, message: `'${name}' is the target and cannot also be a feature.` });
    else if (seen.has(name)) issues.push({ path, message: `'${name}' is listed twice.` });
    else if (column.type === 'text' || column.type === 'datetime') {
      issues.push({ path, message: `'${name}' is a ${column.type} column, which tabular models cannot encode yet.` });
    }
    seen.add(name);
  });
  if (requested.length === 0) issues.push({ path: 'features', message: 'At least one feature is required.' });
  if (issues.length > 0) {
    throw new ValidationError(`Invalid features: ${issues.map((issue) => issue.message).join(' ')}`, issues);
  }
  const features = requested.map((name) => byName.get(name) as ColumnProfile);
  const excluded = [...byName.values()]
    .filter((column) => column.name !== target && !seen.has(column.name))
    .map((column): ExcludedColumn => ({
      name: column.name,
      reason: 'not_requested',
      detail: 'not in the requested features',
    }));
  return { features, excluded };
}
