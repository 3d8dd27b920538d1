/**
 * Calendar features of a forecasting row, from its timestamp (UTC): each periodic term as a
 * sine and a cosine of its phase, so the last day of a cycle sits next to the first (a plain
 * day number would put Sunday six units from Monday). Holiday-free: only the regular cycles.
 * Training appends them to every row's inputs; serving computes them from the timestamps of
 * an instance's rows with the same terms, so both see the same values.
 */
import { parseIsoDatetime } from '../datasets/value-literals.ts';

/** The periodic terms, in the order their features are laid out. */
export const CALENDAR_TERMS = ['dayOfWeek', 'month', 'dayOfYear', 'hourOfDay'] as const;
export type CalendarTerm = (typeof CALENDAR_TERMS)[number];

/** What training stored: the time column whose timestamps give the features, and the terms. */
export interface CalendarState {
  timeColumn: string;
  terms: CalendarTerm[];
}

const DAY = 86_400_000;

/** Where `time` (ms since the epoch) falls in the term's cycle, and the cycle's length. */
function phase(term: CalendarTerm, time: number): [position: number, period: number] {
  const date = new Date(time);
  switch (term) {
    case 'dayOfWeek':
      // Monday 0 ... Sunday 6 (ISO), so the encoding does not hinge on a locale's first day.
      return [(date.getUTCDay() + 6) % 7, 7];
    case 'month':
      return [date.getUTCMonth(), 12];
    case 'dayOfYear':
      // The mean year length keeps 1 January at the same phase from one year to the next, give or take a day.
      return [Math.floor((time - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY), 365.25];
    case 'hourOfDay':
      return [(time - Math.floor(time / DAY) * DAY) / 3_600_000, 24];
  }
}

/** The feature names of `terms` under `timeColumn`: `<time>:<term>:sin` and `:cos` for each. */
export function calendarFeatureNames(state: CalendarState): string[] {
  return state.terms.flatMap((term) => [`${state.timeColumn}:${term}:sin`, `${state.timeColumn}:${term}:cos`]);
}

/** The sine and cosine of each term at `time`, in calendarFeatureNames' order. */
export function calendarValues(terms: readonly CalendarTerm[], time: number): number[] {
  return terms.flatMap((term) => {
    const [position, period] = phase(term, time);
    const angle = (2 * Math.PI * position) / period;
    return [Math.sin(angle), Math.cos(angle)];
  });
}

/** A cell of the time column as ms since the epoch (an ISO date or date-time), or NaN. */
export function calendarTime(value: unknown): number {
  return typeof value === 'string' ? parseIsoDatetime(value) : Number.NaN;
}

/** The terms in their canonical order, each once. */
export function canonicalTerms(terms: readonly CalendarTerm[]): CalendarTerm[] {
  return CALENDAR_TERMS.filter((term) => terms.includes(term));
}
