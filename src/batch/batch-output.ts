/**
 * How a batch's output and error files are written: CSV (a header in the first part only, so
 * the parts concatenate into one file) or NDJSON. A predicted row carries its passthrough
 * columns and then its prediction: in CSV `prediction` and, for classifiers, one
 * `probability_<label>` column per label; in NDJSON `prediction` exactly as `:predict`
 * answers it; in Parquet as in CSV, one whole file per part (parquet-output.ts), its errors as
 * in NDJSON. A row that could not be scored is in the error file instead, with its number
 * and the reason; together the two files hold every input row exactly once.
 */
import type { OutputSchema } from '../preprocessing/preprocessing-state.ts';
import type { Prediction } from '../serving/input-adapter.ts';
import type { ScoredRow } from './batch-scorer.ts';
import { parquetPart } from './parquet-output.ts';

export type OutputFormat = 'csv' | 'ndjson' | 'parquet';

/** The CSV error file's header: error parts hold rows only, as a part may have none. */
export const ERRORS_CSV_HEADER = 'row,reason\n';

/** A row's error when the model's output for it is not finite, as :predict would refuse it. */
export const NON_FINITE_OUTPUT =
  "The model's output for this row is NaN or infinite: its inputs are far outside the training range.";

/** Names a passthrough column may not have: the prediction's own columns. */
export function clashesWithPrediction(column: string): boolean {
  return column === 'prediction' || column.startsWith('probability_');
}

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export interface PartWriter {
  /** What the first part starts with: the CSV header line, or nothing for NDJSON (and Parquet). */
  header: string;
  /** A scored row's output line, newline included ('' for a row without a prediction); CSV and NDJSON only. */
  outputLine(row: ScoredRow): string;
  /** An error file's line for a row that could not be scored. */
  errorLine(row: number, reason: string): string;
  /** The output part for scored rows (CSV: the header in the first part; Parquet: a whole file). */
  output(rows: ScoredRow[], first: boolean): string | Buffer;
  /** The error part's text for the rows that failed (the CSV header `row,reason` is the reader's: ERRORS_CSV_HEADER). */
  errors(rows: ScoredRow[]): string;
}

export function partWriter(format: OutputFormat, passthrough: string[], schema: OutputSchema): PartWriter {
  const labels = schema.task === 'classification' ? schema.labels.map(String) : [];
  const lines = format === 'csv' ? csvLines(passthrough, labels) : ndjsonLines(passthrough);
  return {
    ...lines,
    output: (rows, first) => {
      if (format === 'parquet') return parquetPart(rows, passthrough, schema);
      let text = first ? lines.header : '';
      for (const row of rows) text += lines.outputLine(row);
      return text;
    },
    errors: (rows) => {
      let text = '';
      for (const { row, error } of rows) if (error !== undefined) text += lines.errorLine(row.row, error);
      return text;
    },
  };
}

type LineWriter = Pick<PartWriter, 'header' | 'outputLine' | 'errorLine'>;

function ndjsonLines(passthrough: string[]): LineWriter {
  return {
    header: '',
    outputLine: ({ row, prediction }) => {
      if (prediction === undefined) return '';
      const line: Record<string, unknown> = {};
      for (const column of passthrough) line[column] = row.values?.[column] ?? null;
      line.prediction = prediction;
      return `${JSON.stringify(line)}\n`;
    },
    errorLine: (row, reason) => `${JSON.stringify({ row, reason })}\n`,
  };
}

function csvLines(passthrough: string[], labels: string[]): LineWriter {
  const header = [...passthrough, 'prediction', ...labels.map((label) => `probability_${label}`)]
    .map(csvField)
    .join(',');
  const predictionFields = (prediction: Prediction): string => {
    if ('value' in prediction) return csvField(prediction.value);
    return [csvField(prediction.label), ...labels.map((label) => csvField(prediction.probabilities[label]))].join(',');
  };
  return {
    header: `${header}\n`,
    outputLine: ({ row, prediction }) => {
      if (prediction === undefined) return '';
      let line = '';
      for (const column of passthrough) line += `${csvField(row.values?.[column])},`;
      return `${line}${predictionFields(prediction)}\n`;
    },
    errorLine: (row, reason) => `${row},${csvField(reason)}\n`,
  };
}
