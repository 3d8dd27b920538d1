import { describe, expect, it } from 'vitest';
import { calendarFeatureNames, calendarTime, calendarValues, canonicalTerms } from './calendar-features.ts';

const at = (iso: string) => calendarTime(iso);

describe('calendar features', () => {
  it('encodes the day of week from Monday (phase 0) to Sunday (phase 6/7)', () => {
    // 2024-01-01 was a Monday, 2024-01-04 a Thursday, 2024-01-07 a Sunday.
    const [sinMonday, cosMonday] = calendarValues(['dayOfWeek'], at('2024-01-01'));
    expect(sinMonday).toBe(0);
    expect(cosMonday).toBe(1);
    expect(calendarValues(['dayOfWeek'], at('2024-01-04'))).toEqual([
      Math.sin((2 * Math.PI * 3) / 7),
      Math.cos((2 * Math.PI * 3) / 7),
    ]);
    const [sinSunday, cosSunday] = calendarValues(['dayOfWeek'], at('2024-01-07'));
    expect(sinSunday).toBeCloseTo(-0.781831482468, 12);
    expect(cosSunday).toBeCloseTo(0.623489801859, 12);
  });

  it('encodes the month, the day of the year and the hour of the day', () => {
    // April is month 3 of 12: a quarter turn; July half a turn.
    const [sinApril, cosApril] = calendarValues(['month'], at('2023-04-30'));
    expect(sinApril).toBeCloseTo(1, 12);
    expect(cosApril).toBeCloseTo(0, 12);
    const [sinJuly, cosJuly] = calendarValues(['month'], at('2023-07-01'));
    expect(sinJuly).toBeCloseTo(0, 12);
    expect(cosJuly).toBeCloseTo(-1, 12);
    expect(calendarValues(['dayOfYear'], at('2025-01-01'))).toEqual([0, 1]);
    // 1 March 2024 is day 60 (0-based) of a leap year.
    expect(calendarValues(['dayOfYear'], at('2024-03-01'))).toEqual([
      Math.sin((2 * Math.PI * 60) / 365.25),
      Math.cos((2 * Math.PI * 60) / 365.25),
    ]);
    const [sinSix, cosSix] = calendarValues(['hourOfDay'], at('2024-01-01T06:00:00Z'));
    expect(sinSix).toBeCloseTo(1, 12);
    expect(cosSix).toBeCloseTo(0, 12);
    const [sinHalfPast, cosHalfPast] = calendarValues(['hourOfDay'], at('2024-01-01T18:30:00Z'));
    expect(sinHalfPast).toBeCloseTo(Math.sin((2 * Math.PI * 18.5) / 24), 12);
    expect(cosHalfPast).toBeCloseTo(Math.cos((2 * Math.PI * 18.5) / 24), 12);
  });

  it('lays the terms out in one canonical order, a sine and a cosine each, named after the time column', () => {
    const terms = canonicalTerms(['month', 'dayOfWeek', 'month']);
    expect(terms).toEqual(['dayOfWeek', 'month']);
    expect(calendarFeatureNames({ timeColumn: 'date', terms })).toEqual([
      'date:dayOfWeek:sin',
      'date:dayOfWeek:cos',
      'date:month:sin',
      'date:month:cos',
    ]);
    const values = calendarValues(terms, at('2024-07-01'));
    expect(values).toHaveLength(4);
    expect(values.slice(2)).toEqual(calendarValues(['month'], at('2024-07-01')));
  });

  it('reads no time from numbers or text that is not an ISO date', () => {
    expect(calendarTime(2024)).toBeNaN();
    expect(calendarTime('next monday')).toBeNaN();
    expect(calendarTime('2024-02-30')).toBeNaN();
  });
});
