/** The inferred type of a dataset column; `image` holds PNG/JPEG images (ZIP datasets, base64 CSV cells). */
export type ColumnType = 'number' | 'integer' | 'boolean' | 'categorical' | 'text' | 'datetime' | 'image';

export interface ValueCount {
  value: string;
  count: number;
}

/** What ingestion learned about one column; stored on the dataset and reused by training. */
export interface ColumnProfile {
  name: string;
  type: ColumnType;
  /** Empty cells, nulls and missing keys. */
  missing: number;
  /** Distinct non-missing values; approximate above an exact-counting threshold. */
  distinct: number;
  distinctApproximate: boolean;
  /** Numeric statistics are null when they have no finite value (see RunningMoments). */
  min?: number | string | null;
  max?: number | string | null;
  mean?: number | null;
  /** Sample standard deviation (n - 1); 0 for a single value. */
  std?: number | null;
  /** Integer and number columns: exact counts in at most 32 bins over [min, max] (streaming-histogram.ts). */
  histogram?: { edges: number[]; counts: number[] };
  /** Most frequent values (categorical and boolean columns), most frequent first. */
  topValues?: ValueCount[];
  /** True when `topValues` counts come from a bounded heavy-hitter sketch (lower bounds). */
  topValuesApproximate?: boolean;
}

/** A parsed cell: numbers and booleans typed per the column profile; missing cells are null. */
export type CellValue = number | string | boolean | null;
export type DatasetRow = Record<string, CellValue>;

/**
 * `profile` unchanged, once every numeric statistic is checked to be finite or null: a profile
 * that breaks this would be stored and then fail every answer that lists the dataset, so it
 * fails the upload instead, before the file is committed or a row written.
 */
export function checkedProfile(profile: ColumnProfile): ColumnProfile {
  for (const value of [profile.min, profile.max, profile.mean, profile.std]) {
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new Error(`Column '${profile.name}' has a non-finite statistic; profiles must store it as null.`);
  }
  return profile;
}
