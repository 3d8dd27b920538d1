import { InvalidDatasetError } from '../errors.ts';
import { checkedProfile, type ColumnProfile } from './column-profile.ts';
import { ColumnProfiler } from './column-profiler.ts';
import type { DatasetFormat } from './dataset-format.ts';
import { ExactCountBudget } from './value-counter.ts';

export interface ProfileLimits {
  /** Distinct values counted exactly per column before switching to a sketch. */
  exactLimit?: number;
  /** Most columns an NDJSON dataset may introduce (bounds memory). */
  maxColumns?: number;
}

/**
 * Turns parsed records into column profiles: validates the CSV header and row widths, takes
 * the union of NDJSON keys in first-seen order, and feeds every non-missing cell to its
 * column's profiler. Missing cells are never visited: a column's missing count is the row
 * count minus the cells it saw.
 */
export class DatasetProfileBuilder {
  rows = 0;
  private readonly profilers: ColumnProfiler[] = [];
  private readonly byName = new Map<string, ColumnProfiler>();
  private readonly budget = new ExactCountBudget();
  private headerSeen = false;
  private readonly exactLimit: number | undefined;
  private readonly maxColumns: number;

  constructor(
    private readonly format: DatasetFormat,
    limits: ProfileLimits = {},
  ) {
    this.exactLimit = limits.exactLimit;
    this.maxColumns = limits.maxColumns ?? 10_000;
  }

  /** CSV: the first record is the header, every later one a row of the same width. */
  readonly addCsvRecord = (fields: string[], line: number): void => {
    if (!this.headerSeen) {
      this.setHeader(fields, line);
      return;
    }
    const profilers = this.profilers;
    if (fields.length !== profilers.length) {
      throw new InvalidDatasetError(`Line ${line} has ${fields.length} columns; the header has ${profilers.length}.`, {
        line,
        expectedColumns: profilers.length,
        actualColumns: fields.length,
      });
    }
    this.rows++;
    for (let i = 0; i < fields.length; i++) {
      const value = fields[i]!;
      if (value.length > 0) profilers[i]!.add(value);
    }
  };

  /**
   * CSV: offered each ASCII cell as bytes before the reader makes a string of it (see
   * CsvRawFieldHandler); true when its column's profiler took it from the bytes. Cells of a row
   * of the wrong width may be profiled before addCsvRecord refuses the row: that fails the
   * whole ingest, so the partial profile is never used.
   */
  readonly addCsvField = (column: number, bytes: Buffer, start: number, end: number): boolean => {
    if (!this.headerSeen) return false;
    const profiler = this.profilers[column];
    return profiler !== undefined && profiler.addAscii(bytes, start, end);
  };

  /** NDJSON: one row per object; null, `""` and absent keys are missing. */
  readonly addJsonRecord = (record: Record<string, unknown>, line: number): void => {
    this.rows++;
    for (const key in record) {
      let profiler = this.byName.get(key);
      if (profiler === undefined) {
        if (this.profilers.length >= this.maxColumns) {
          throw new InvalidDatasetError(
            `Line ${line}: key '${key}' would be column ${this.profilers.length + 1}; ` +
              `at most ${this.maxColumns} columns are supported.`,
            { line, column: key },
          );
        }
        profiler = this.addColumn(key);
      }
      const value = record[key];
      if (typeof value === 'string') {
        if (value.length > 0) profiler.add(value);
      } else if (typeof value === 'number' || typeof value === 'boolean') {
        profiler.add(String(value));
      }
    }
  };

  /** The column profiles; throws when the dataset has no header or no rows. */
  finish(sizeBytes: number): ColumnProfile[] {
    if (sizeBytes === 0) throw new InvalidDatasetError('The dataset is empty: the body has no bytes.');
    if (this.format === 'csv' && !this.headerSeen)
      throw new InvalidDatasetError('The dataset is empty: there is no header line.');
    if (this.rows === 0) {
      throw new InvalidDatasetError(
        this.format === 'csv'
          ? 'The dataset has a header but no data rows.'
          : 'The dataset has no rows: no line holds a JSON object.',
      );
    }
    return this.profilers.map((profiler) => checkedProfile(profiler.finish(this.rows)));
  }

  private setHeader(fields: string[], line: number): void {
    const seen = new Map<string, number>();
    fields.forEach((name, index) => {
      if (name.trim().length === 0) {
        throw new InvalidDatasetError(
          `Line ${line}: the header of column ${index + 1} is blank; every column needs a name.`,
          { line, column: index + 1 },
        );
      }
      const first = seen.get(name);
      if (first !== undefined) {
        throw new InvalidDatasetError(
          `Line ${line}: the header name '${name}' is used by columns ${first + 1} and ${index + 1}; ` +
            'names must be unique.',
          { line, column: index + 1 },
        );
      }
      seen.set(name, index);
    });
    for (const name of fields) this.addColumn(name);
    this.headerSeen = true;
  }

  private addColumn(name: string): ColumnProfiler {
    const profiler = new ColumnProfiler(name, this.budget, this.exactLimit);
    this.profilers.push(profiler);
    this.byName.set(name, profiler);
    return profiler;
  }
}
