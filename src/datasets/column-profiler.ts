import type { ColumnProfile, ColumnType } from './column-profile.ts';
import { isBase64ImageCell } from './image-format.ts';
import { finiteOrNull, RunningMoments } from './running-moments.ts';
import { StreamingHistogram } from './streaming-histogram.ts';
import { ExactCountBudget, ValueCounter } from './value-counter.ts';
import {
  booleanLiteral,
  DECIMAL_LITERAL,
  NOT_NUMERIC,
  numericKind,
  numericKindBytes,
  parseIsoDatetime,
  UNDECIDED,
  type NumericOut,
} from './value-literals.ts';

/** Short codes (state, grade, size) stay categorical even with many distinct values. */
const SHORT_CODE_LENGTH = 3;
const SHORT_CODE_MAX_DISTINCT = 1_000;
/** Where numericKind leaves the parsed cell: one shared object, so the hot path allocates nothing. */
const parsed: NumericOut = { value: 0 };

/**
 * Accumulates the profile of one column, one non-missing cell at a time, in bounded
 * memory. Type inference over the non-missing cells, first rule that holds wins:
 *
 * 1. boolean: every cell is `true` or `false` (any case). `yes`/`no` are categorical and
 *    `0`/`1` integers, because guessing wrong there changes what a model sees.
 * 2. integer: every cell is an integer literal without a leading zero (see `numericKind`).
 * 3. number: every cell is a finite decimal literal (integers included).
 * 4. datetime: every cell is an ISO-8601 date or date-time (see `parseIsoDatetime`).
 * 5. categorical: distinct values <= max(20, 5% of the non-missing cells), or every value is
 *    a short code (<= 3 characters) with at most 1,000 distinct values.
 * 6. text: anything else. A column with no value at all is text.
 *
 * Statistics: min/max/mean/std (sample standard deviation, n - 1, Welford's streaming
 * update, scaled so that it stays finite for any finite cells; a statistic that still has no
 * finite value is null) and a histogram of at most 32 bins (streaming-histogram.ts) for integer
 * and number columns; min/max (the original strings of the earliest and
 * latest instants) for datetimes; the top 10 values for categorical and boolean columns.
 * The distinct count is exact up to `exactLimit` values, then a HyperLogLog estimate.
 */
export class ColumnProfiler {
  /** Non-missing cells seen. */
  present = 0;
  private readonly counter: ValueCounter;
  private maybeBoolean = true;
  private maybeInteger = true;
  private maybeNumber = true;
  private maybeDatetime = true;
  /** Every cell so far is a base64 PNG/JPEG (see image-format.ts). */
  private maybeImage = true;
  private maxLength = 0;
  private readonly moments = new RunningMoments();
  private readonly histogram = new StreamingHistogram();
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  private minText = '';
  private maxText = '';

  constructor(
    readonly name: string,
    budget: ExactCountBudget = new ExactCountBudget(),
    exactLimit?: number,
  ) {
    this.counter = new ValueCounter(budget, exactLimit);
  }

  /** Adds one non-missing cell (the caller counts missing cells as rows minus `present`). */
  add(value: string): void {
    this.present++;
    if (value.length > this.maxLength) this.maxLength = value.length;
    if (this.maybeImage && !isBase64ImageCell(value)) this.maybeImage = false;
    if (this.maybeNumber && this.addNumber(value)) return;
    this.inferFrom(value);
    // Only a column that can still become categorical needs value frequencies.
    this.counter.add(value, !(this.maybeNumber || this.maybeDatetime));
  }

  /**
   * add() of a non-empty ASCII cell given as bytes, for the cases that need no string: a number
   * once exact counting is over, `true`/`false` (as shared constants), and a text column's cell
   * once only its sketch counts. False, with nothing recorded, when the caller must call add().
   */
  addAscii(bytes: Uint8Array, start: number, end: number): boolean {
    const length = end - start;
    if (this.maybeNumber) {
      if (this.counter.isExact) return false;
      const kind = numericKindBytes(bytes, start, end, parsed);
      if (kind === NOT_NUMERIC || kind === UNDECIDED) return false;
      this.present++;
      if (length > this.maxLength) this.maxLength = length;
      this.maybeImage = false; // a number literal never looks like base64 PNG/JPEG
      this.addParsed(kind);
      this.counter.addApproximateNumber(parsed.value);
      return true;
    }
    if (this.maybeBoolean) {
      const literal =
        length === 4 ? asciiEquals(bytes, start, 'true') : length === 5 && asciiEquals(bytes, start, 'false');
      if (!literal) return false;
      this.add(length === 4 ? 'true' : 'false');
      return true;
    }
    if (this.maybeDatetime || this.maybeImage || !this.counter.addAsciiBytes(bytes, start, end)) return false;
    this.present++;
    if (length > this.maxLength) this.maxLength = length;
    return true;
  }

  /** Takes a cell of a column that is numeric so far; false when the cell is not a number. */
  private addNumber(value: string): boolean {
    const kind = numericKind(value, parsed);
    if (kind === NOT_NUMERIC) return false;
    this.addParsed(kind);
    this.counter.addNumber(parsed.value, value);
    return true;
  }

  /** The statistics of a numeric cell whose value numericKind(Bytes) left in `parsed`. */
  private addParsed(kind: number): void {
    if (kind === DECIMAL_LITERAL) this.maybeInteger = false;
    const x = parsed.value;
    this.moments.add(x);
    this.histogram.add(x);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    this.maybeBoolean = false;
    this.maybeDatetime = false;
  }

  private inferFrom(value: string): void {
    if (this.maybeNumber) {
      // addNumber() refused the cell.
      this.maybeNumber = false;
      this.maybeInteger = false;
    }
    if (this.maybeBoolean) {
      if (booleanLiteral(value) !== undefined) {
        this.maybeDatetime = false;
        return;
      }
      this.maybeBoolean = false;
    }
    if (this.maybeDatetime) {
      const instant = parseIsoDatetime(value);
      if (Number.isNaN(instant)) {
        this.maybeDatetime = false;
      } else {
        if (instant < this.min) {
          this.min = instant;
          this.minText = value;
        }
        if (instant > this.max) {
          this.max = instant;
          this.maxText = value;
        }
      }
    }
  }

  /** The profile after the last row; `rows` is the dataset's row count. */
  finish(rows: number): ColumnProfile {
    const type = this.inferType();
    const profile: ColumnProfile = {
      name: this.name,
      type,
      missing: rows - this.present,
      distinct: this.distinct(type),
      distinctApproximate: !this.counter.isExact,
    };
    if (type === 'integer' || type === 'number') {
      profile.min = finiteOrNull(this.min);
      profile.max = finiteOrNull(this.max);
      profile.mean = finiteOrNull(this.moments.mean);
      profile.std = finiteOrNull(this.moments.std());
      const histogram = this.histogram.result({ integer: type === 'integer' });
      if (histogram) profile.histogram = histogram;
    } else if (type === 'datetime') {
      profile.min = this.minText;
      profile.max = this.maxText;
    } else if (type === 'boolean') {
      profile.topValues = this.booleanCounts().filter((entry) => entry.count > 0);
    } else if (type === 'categorical') {
      profile.topValues = this.counter.top(10);
      if (!this.counter.isExact) profile.topValuesApproximate = true;
    }
    return profile;
  }

  private inferType(): ColumnType {
    if (this.present === 0) return 'text';
    if (this.maybeBoolean) return 'boolean';
    if (this.maybeInteger) return 'integer';
    if (this.maybeNumber) return 'number';
    if (this.maybeDatetime) return 'datetime';
    if (this.maybeImage) return 'image';
    const distinct = this.counter.distinct();
    if (distinct <= Math.max(20, 0.05 * this.present)) return 'categorical';
    if (this.maxLength <= SHORT_CODE_LENGTH && distinct <= SHORT_CODE_MAX_DISTINCT) return 'categorical';
    return 'text';
  }

  /** Distinct values, compared as the typed values (`1.0` and `1` are one number, `True` and `true` one boolean). */
  private distinct(type: ColumnType): number {
    const counts = this.counter.exactCounts();
    if (counts === undefined) return this.counter.distinct();
    if (type === 'boolean') return this.booleanCounts().filter((entry) => entry.count > 0).length;
    if (type === 'integer' || type === 'number') {
      const values = new Set<number>();
      for (const [value] of counts) values.add(Number(value));
      return values.size;
    }
    return this.counter.distinct();
  }

  private booleanCounts(): { value: string; count: number }[] {
    let trues = 0;
    let falses = 0;
    for (const [value, count] of this.counter.exactCounts() ?? []) {
      if (booleanLiteral(value) === true) trues += count;
      else falses += count;
    }
    return [
      { value: 'true', count: trues },
      { value: 'false', count: falses },
    ].sort((a, b) => b.count - a.count);
  }
}

/** Whether `bytes` at `start` spell `word` exactly (case-sensitive; other cases take the text path). */
function asciiEquals(bytes: Uint8Array, start: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if (bytes[start + k] !== word.charCodeAt(k)) return false;
  return true;
}
