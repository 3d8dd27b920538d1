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
import type { ScoredRow } from './batch-scorer.ts';
import { lineWriter } from './output-lines.ts';

export type OutputFormat = 'csv' | 'ndjson' | 'parquet';

/** The CSV error file's header: error parts hold rows only, as a part may have none. */
export const ERRORS_CSV_HEADER = 'row,reason\n';

export { clashesWithPrediction, csvField, NON_FINITE_OUTPUT } from './output-lines.ts';

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

/**
 * The writer of a job's parts. The Parquet writer (and its library) is loaded only for a job that
 * asks for Parquet: a service that never writes it starts without it.
 */
export async function partWriter(
  format: OutputFormat,
  passthrough: string[],
  schema: OutputSchema,
): Promise<PartWriter> {
  const parquet = format === 'parquet' ? await import('./parquet-output.ts') : undefined;
  const labels = schema.task === 'classification' ? schema.labels.map(String) : [];
  const lines = lineWriter(format, passthrough, labels);
  return {
    ...lines,
    output: (rows, first) => {
      if (parquet) return parquet.parquetPart(rows, passthrough, schema);
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
