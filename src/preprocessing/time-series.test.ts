import { describe, expect, it } from 'vitest';
import type { UnprocessableError } from '../errors.ts';
import { orderSeries, stepCounts } from './time-series.ts';

const DAY = 86_400_000;
const date = (y: number, m: number, d = 1) => Date.UTC(y, m, d);

describe('stepCounts', () => {
  it('counts calendar months for month-start dates, whatever the month lengths', () => {
    expect(stepCounts([date(2020, 0), date(2020, 1), date(2020, 2), date(2020, 5)], true)).toEqual([1, 1, 3]);
  });

  it('counts fixed steps for days and numbers, and refuses a difference that is not a whole number of steps', () => {
    expect(stepCounts([0, DAY, 2 * DAY, 5 * DAY], true)).toEqual([1, 1, 3]);
    expect(stepCounts([1700, 1701, 1703], false)).toEqual([1, 2]);
    expect(stepCounts([0, 2, 5], false)).toBeUndefined();
  });
});

describe('orderSeries', () => {
  const values = ['sales'];

  it('keeps file order without a time column, leaving out rows with a missing value', () => {
    const { series, dropped } = orderSeries([{ sales: 3 }, { sales: null }, { sales: 1 }], {
      fillGaps: 'none',
      values,
    });
    expect(series).toEqual([{ key: undefined, rows: [{ sales: 3 }, { sales: 1 }], filled: 0 }]);
    expect(dropped).toBe(1);
  });

  it('sorts by the time column and groups by the series column, each series apart', () => {
    const rows = [
      { store: 'b', year: 2001, sales: 20 },
      { store: 'a', year: 2001, sales: 2 },
      { store: 'b', year: 2000, sales: 10 },
      { store: 'a', year: 2000, sales: 1 },
    ];
    const { series } = orderSeries(rows, { timeColumn: 'year', seriesColumn: 'store', fillGaps: 'none', values });
    expect(series.map((s) => [s.key, s.rows.map((r) => r.sales)])).toEqual([
      ['b', [10, 20]],
      ['a', [1, 2]],
    ]);
  });

  it('refuses duplicate timestamps and gaps with their codes, and fills gaps by the policy', () => {
    const at = (year: number, sales: number) => ({ year, sales });
    const attempt = (rows: object[], fillGaps: 'none' | 'previous' | 'linear' = 'none') =>
      orderSeries(rows as never, { timeColumn: 'year', fillGaps, values });
    const code = (rows: object[]) => {
      try {
        attempt(rows);
      } catch (error) {
        return (error as UnprocessableError).code;
      }
    };
    expect(code([at(1, 1), at(1, 2), at(2, 3)])).toBe('duplicate_timestamps');
    expect(code([at(1, 1), at(2, 2), at(5, 5)])).toBe('irregular_series');
    expect(attempt([at(1, 1), at(2, 2), at(5, 8)], 'linear').series[0]!.rows.map((r) => r.sales)).toEqual([
      1, 2, 4, 6, 8,
    ]);
    expect(attempt([at(1, 1), at(2, 2), at(5, 8)], 'previous').series[0]).toMatchObject({
      rows: [{ sales: 1 }, { sales: 2 }, { sales: 2 }, { sales: 2 }, { sales: 8 }],
      filled: 2,
    });
  });

  it('gives filled steps their own times: whole months for monthly dates, even steps otherwise', () => {
    const daily = [
      { date: '2024-03-01', sales: 1 },
      { date: '2024-03-02', sales: 2 },
      { date: '2024-03-05', sales: 5 },
    ];
    const monthly = [
      { date: '2024-01-15', sales: 1 },
      { date: '2024-04-15', sales: 4 },
      { date: '2024-05-15', sales: 5 },
    ];
    const iso = (times: number[] | undefined) => times?.map((t) => new Date(t).toISOString().slice(0, 10));
    const fill = (input: object[]) => orderSeries(input as never, { timeColumn: 'date', fillGaps: 'previous', values });
    expect(iso(fill(monthly).series[0]!.times)).toEqual([
      '2024-01-15',
      '2024-02-15',
      '2024-03-15',
      '2024-04-15',
      '2024-05-15',
    ]);
    expect(iso(fill(daily).series[0]!.times)).toEqual([
      '2024-03-01',
      '2024-03-02',
      '2024-03-03',
      '2024-03-04',
      '2024-03-05',
    ]);
  });
});
