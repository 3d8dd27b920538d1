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
  min?: number | string;
  max?: number | string;
  mean?: number;
  /** Sample standard deviation (n - 1); 0 for a single value. */
  std?: number;
  /** Most frequent values (categorical and boolean columns), most frequent first. */
  topValues?: ValueCount[];
  /** True when `topValues` counts come from a bounded heavy-hitter sketch (lower bounds). */
  topValuesApproximate?: boolean;
}

/** A parsed cell: numbers and booleans typed per the column profile; missing cells are null. */
export type CellValue = number | string | boolean | null;
export type DatasetRow = Record<string, CellValue>;
