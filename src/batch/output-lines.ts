/**
 * The lines of a batch's CSV and NDJSON output and error files (batch-output.ts says what they
 * hold), in a module of their own: the output thread (output-thread-worker.ts) loads these and
 * not the Parquet writer.
 */
import type { Prediction } from '../serving/input-adapter.ts';
import type { OutputFormat } from './batch-output.ts';
import type { ScoredRow } from './batch-scorer.ts';

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

/** How each line of a part is written. */
export interface LineWriter {
  /** What the first part starts with: the CSV header line, or nothing for NDJSON (and Parquet). */
  header: string;
  /** A scored row's output line, newline included ('' for a row without a prediction). */
  outputLine(row: ScoredRow): string;
  /** An error file's line for a row that could not be scored. */
  errorLine(row: number, reason: string): string;
}

/** The line writer of a CSV or NDJSON output (Parquet's errors are written as NDJSON's). */
export function lineWriter(format: OutputFormat, passthrough: readonly string[], labels: string[]): LineWriter {
  return format === 'csv' ? csvLines(passthrough, labels) : ndjsonLines(passthrough);
}

function ndjsonLines(passthrough: readonly string[]): LineWriter {
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

function csvLines(passthrough: readonly string[], labels: string[]): LineWriter {
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
