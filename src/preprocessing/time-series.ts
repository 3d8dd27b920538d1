/**
 * Rows of a forecasting dataset -> series in time order, ready to window: grouped by the
 * series column (one series when there is none), ordered by the time column (file order when
 * there is none), with duplicate timestamps refused and missing steps refused or filled by the
 * stated policy. Windows are cut within a series only, so none crosses from one to another.
 *
 * The step of a series is found from its timestamps: calendar months for dates that all fall
 * on the same day of the month (month lengths differ), else the smallest difference between
 * consecutive timestamps (days, weeks, years as numbers...). A difference that is not a whole
 * number of steps is irregular and refused; a whole number above one is a gap.
 */
import type { CellValue, DatasetRow } from '../datasets/column-profile.ts';
import { parseIsoDatetime } from '../datasets/value-literals.ts';
import { UnprocessableError } from '../errors.ts';

export interface SeriesOrdering {
  timeColumn?: string | undefined;
  seriesColumn?: string | undefined;
  /** What missing steps become: refused, the previous row carried forward, or linearly interpolated. */
  fillGaps: 'none' | 'previous' | 'linear';
  /** The numeric columns a row needs (windowed values): rows missing one are left out first. */
  values: readonly string[];
  /** Other columns a row needs (a class to predict): never interpolated, carried into gaps. */
  labels?: readonly string[];
}

/** A complete row: the numeric values, and the labels. */
export type SeriesRow = Record<string, number | string | boolean>;

/** One series: its key (undefined without a series column) and its complete rows in time order. */
export interface OrderedSeries {
  key: string | undefined;
  rows: SeriesRow[];
  /** Rows inserted for missing steps. */
  filled: number;
  /** With a time column, each row's time (ms since the epoch for dates), filled steps included. */
  times?: number[];
}

/** The series of `rows` (see the file comment); the rows left out for a missing value are counted in `dropped`. */
export function orderSeries(
  rows: readonly DatasetRow[],
  ordering: SeriesOrdering,
): { series: OrderedSeries[]; dropped: number } {
  const { timeColumn, seriesColumn, values } = ordering;
  const labels = ordering.labels ?? [];
  const groups = new Map<string | undefined, { time: number; row: SeriesRow }[]>();
  let dropped = 0;
  // A date column's cells are ISO strings; a numeric one's (years, indexes) are numbers.
  let dated = false;
  for (const row of rows) {
    if (timeColumn !== undefined && typeof row[timeColumn] === 'string') dated = true;
    const time = timeColumn === undefined ? 0 : timeOf(row[timeColumn]);
    const complete =
      values.every((name) => typeof row[name] === 'number' && Number.isFinite(row[name])) &&
      labels.every((name) => row[name] !== null && row[name] !== undefined && row[name] !== '');
    const key = seriesColumn === undefined ? undefined : keyOf(row[seriesColumn]);
    if (!complete || Number.isNaN(time) || (seriesColumn !== undefined && key === undefined)) {
      dropped++;
      continue;
    }
    const group = groups.get(key) ?? [];
    group.push({
      time,
      row: Object.fromEntries([...values, ...labels].map((name) => [name, row[name]!])) as SeriesRow,
    });
    groups.set(key, group);
  }
  const series = [...groups.entries()].map(([key, group]) => {
    if (timeColumn === undefined) return { key, rows: group.map((g) => g.row), filled: 0 };
    // A stable sort: the file order stays among equal times, which are refused just below anyway.
    group.sort((a, b) => a.time - b.time);
    return regularise(key, group, ordering, timeColumn, dated);
  });
  return { series, dropped };
}

function timeOf(value: CellValue | undefined): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return parseIsoDatetime(value);
  return Number.NaN;
}

function keyOf(value: CellValue | undefined): string | undefined {
  return value === null || value === undefined || value === '' ? undefined : String(value);
}

const describe = (key: string | undefined) => (key === undefined ? 'The series' : `Series '${key}'`);

/** Checks the timestamps of one sorted series and fills its gaps by the policy. */
function regularise(
  key: string | undefined,
  group: { time: number; row: SeriesRow }[],
  ordering: SeriesOrdering,
  timeColumn: string,
  dated: boolean,
): OrderedSeries {
  const formatTime = (time: number) => (dated ? new Date(time).toISOString().slice(0, 10) : `${timeColumn} ${time}`);
  const times = group.map((g) => g.time);
  for (let i = 1; i < times.length; i++) {
    if (times[i] === times[i - 1])
      throw new UnprocessableError(
        'duplicate_timestamps',
        `${describe(key)} has two rows at the same time (${formatTime(times[i] as number)}); ` +
          'keep one row per time step, or name the series column that tells them apart.',
        [{ path: 'model.sequence.timeColumn', message: 'duplicate timestamps' }],
      );
  }
  const steps = stepCounts(times, dated);
  if (steps === undefined)
    throw new UnprocessableError(
      'irregular_series',
      `${describe(key)} is not sampled at a regular step: its time differences are not whole multiples of the smallest.`,
      [{ path: 'model.sequence.timeColumn', message: 'irregular time steps' }],
    );
  const missing = steps.reduce((sum, count) => sum + count - 1, 0);
  if (missing > 0 && ordering.fillGaps === 'none') {
    const at = steps.findIndex((count) => count > 1);
    throw new UnprocessableError(
      'irregular_series',
      `${describe(key)} misses ${missing} time step(s), the first after ${formatTime(times[at] as number)}; ` +
        "fill them in the data or set model.sequence.fillGaps to 'previous' or 'linear'.",
      [{ path: 'model.sequence.fillGaps', message: `${missing} missing step(s)` }],
    );
  }
  const rows: SeriesRow[] = [group[0]!.row];
  const filledTimes: number[] = [times[0]!];
  const monthly = dated && monthIndexes(times) !== undefined;
  for (let i = 1; i < group.length; i++) {
    const before = group[i - 1]!.row;
    const after = group[i]!.row;
    const count = steps[i - 1]!;
    for (let k = 1; k < count; k++) {
      const fraction = k / count;
      const filled: SeriesRow = { ...before };
      if (ordering.fillGaps === 'linear')
        for (const name of ordering.values)
          filled[name] = (before[name] as number) + ((after[name] as number) - (before[name] as number)) * fraction;
      rows.push(filled);
      filledTimes.push(stepTime(times[i - 1]!, times[i]!, k, count, monthly));
    }
    rows.push(after);
    filledTimes.push(times[i]!);
  }
  return { key, rows, filled: missing, times: filledTimes };
}

/**
 * How many steps each consecutive difference spans (1 when none is missing), or undefined when
 * a difference is not a whole number of steps.
 */
export function stepCounts(times: readonly number[], dated: boolean): number[] | undefined {
  if (times.length < 2) return [];
  const months = dated ? monthIndexes(times) : undefined;
  const positions = months ?? times;
  const differences = positions.slice(1).map((t, i) => t - (positions[i] as number));
  const step = Math.min(...differences);
  const counts = differences.map((d) => d / step);
  // Dates parse to whole milliseconds and months to whole numbers, so a tiny tolerance suffices.
  return counts.every((c) => Math.abs(c - Math.round(c)) < 1e-9) ? counts.map(Math.round) : undefined;
}

const DAY = 86_400_000;

/** The time `k` of `count` steps from `from` to `to`: whole calendar months apart for monthly dates. */
function stepTime(from: number, to: number, k: number, count: number, monthly: boolean): number {
  if (!monthly) return from + ((to - from) * k) / count;
  const start = new Date(from);
  const months =
    (new Date(to).getUTCFullYear() - start.getUTCFullYear()) * 12 + new Date(to).getUTCMonth() - start.getUTCMonth();
  return (
    Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + (months * k) / count, start.getUTCDate()) +
    (((from % DAY) + DAY) % DAY)
  );
}

/**
 * Month numbers (year * 12 + month) when every time is a date at the same day of the month and
 * time of day, at least four weeks apart: monthly, quarterly or yearly dates. Else undefined.
 */
function monthIndexes(times: readonly number[]): number[] | undefined {
  const dates = times.map((t) => new Date(t));
  const first = dates[0]!;
  const sameDay = dates.every(
    (d) => d.getUTCDate() === first.getUTCDate() && d.getTime() % DAY === first.getTime() % DAY,
  );
  const apart = times.slice(1).every((t, i) => t - (times[i] as number) >= 28 * DAY);
  if (!sameDay || !apart) return undefined;
  return dates.map((d) => d.getUTCFullYear() * 12 + d.getUTCMonth());
}
