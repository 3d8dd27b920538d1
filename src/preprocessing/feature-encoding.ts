import type { CellValue, ColumnProfile, DatasetRow } from '../datasets/column-profile.ts';
import { midpoint, momentsOf } from '../datasets/running-moments.ts';
import { UnprocessableError } from '../errors.ts';
import { encoderWidth } from './preprocessing-state.ts';
import type { FeatureEncoder } from './preprocessing-state.ts';

/** A cell reduced to what its encoder understands; `null` means missing (imputed). */
export type EncodableValue = number | string | boolean | null;

/**
 * Fits one encoder per feature on the training rows only: medians, means, standard deviations,
 * category lists and most frequent values never see validation or test rows.
 */
export function fitFeatureEncoders(features: ColumnProfile[], trainingRows: DatasetRow[]): FeatureEncoder[] {
  return features.map((column): FeatureEncoder => {
    const cells = trainingRows.map((row) => row[column.name] ?? null);
    if (column.type === 'number' || column.type === 'integer') {
      const present = cells.map(asNumber).filter((value): value is number => value !== null);
      const median = medianOf(present);
      // Pipeline order: impute first, then standardise the imputed column.
      const imputed = cells.map((cell) => asNumber(cell) ?? median);
      const { mean, std } = momentsOf(imputed);
      if (!Number.isFinite(std)) throw unscalableColumn(column.name);
      // A constant column would divide by zero; std 1 maps it to zeros instead.
      return { kind: 'numeric', name: column.name, type: column.type, median, mean, std: std > 1e-12 ? std : 1 };
    }
    if (column.type === 'boolean') {
      const present = cells.map(asBoolean).filter((value): value is boolean => value !== null);
      const trues = present.filter(Boolean).length;
      return { kind: 'boolean', name: column.name, mostFrequent: trues > present.length - trues };
    }
    const present = cells.map(asCategory).filter((value): value is string => value !== null);
    const counts = new Map<string, number>();
    for (const value of present) counts.set(value, (counts.get(value) ?? 0) + 1);
    const categories = [...counts.keys()].sort(compareStrings);
    let mostFrequent = categories[0] ?? '';
    for (const category of categories)
      if ((counts.get(category) ?? 0) > (counts.get(mostFrequent) ?? 0)) mostFrequent = category;
    return { kind: 'categorical', name: column.name, categories, mostFrequent };
  });
}

/** Total matrix width of a list of encoders. */
export function matrixWidth(encoders: FeatureEncoder[]): number {
  return encoders.reduce((sum, encoder) => sum + encoderWidth(encoder), 0);
}

/** Encodes dataset rows (training, validation or test) into a row-major Float32 matrix. */
export function encodeRows(encoders: FeatureEncoder[], rows: DatasetRow[]): Float32Array {
  const width = matrixWidth(encoders);
  const matrix = new Float32Array(rows.length * width);
  rows.forEach((row, index) => {
    let offset = index * width;
    for (const encoder of encoders) {
      const cell = row[encoder.name] ?? null;
      const value =
        encoder.kind === 'numeric' ? asNumber(cell) : encoder.kind === 'boolean' ? asBoolean(cell) : asCategory(cell);
      offset = writeEncoded(encoder, value, matrix, offset);
    }
  });
  return matrix;
}

/**
 * Writes one already-typed value at `offset` and returns the next offset. The single place
 * where imputation, scaling and one-hot encoding happen, shared by training and prediction.
 */
export function writeEncoded(
  encoder: FeatureEncoder,
  value: EncodableValue,
  out: Float32Array,
  offset: number,
): number {
  if (encoder.kind === 'numeric') {
    const number = typeof value === 'number' ? value : encoder.median;
    const scaled = (number - encoder.mean) / encoder.std;
    // Values of opposite sign near the largest double overflow their difference; dividing first does not.
    out[offset] = Number.isFinite(scaled) ? scaled : number / encoder.std - encoder.mean / encoder.std;
    return offset + 1;
  }
  if (encoder.kind === 'boolean') {
    out[offset] = (typeof value === 'boolean' ? value : encoder.mostFrequent) ? 1 : 0;
    return offset + 1;
  }
  const category = typeof value === 'string' ? value : encoder.mostFrequent;
  const position = encoder.categories.indexOf(category);
  // Values never seen in training light the trailing unknown column.
  out[offset + (position >= 0 ? position : encoder.categories.length)] = 1;
  return offset + encoder.categories.length + 1;
}

/** A finite number, or null for anything else (ingestion already typed the cells). */
export function asNumber(cell: CellValue | undefined): number | null {
  return typeof cell === 'number' && Number.isFinite(cell) ? cell : null;
}

export function asBoolean(cell: CellValue | undefined): boolean | null {
  if (typeof cell === 'boolean') return cell;
  if (typeof cell === 'string') {
    const lower = cell.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return null;
}

export function asCategory(cell: CellValue | undefined): string | null {
  if (cell === null || cell === undefined) return null;
  if (typeof cell === 'number' && !Number.isFinite(cell)) return null;
  const text = String(cell);
  return text === '' ? null : text;
}

function medianOf(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : midpoint(sorted[middle - 1] as number, sorted[middle] as number);
}

/** Code-unit order: stable across locales and machines, unlike localeCompare. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A numeric column whose spread passes the largest double (values near both +1.8e308 and
 * -1.8e308) cannot be standardised; training on it would only produce NaN weights.
 */
export function unscalableColumn(name: string): UnprocessableError {
  return new UnprocessableError(
    'column_not_scalable',
    `The numeric column '${name}' spreads beyond the largest representable number and cannot be ` +
      'standardised; rescale it, or leave it out of the features.',
    [{ path: name, message: 'has a standard deviation beyond the largest representable number' }],
  );
}
