/**
 * Cheap lexical checks that decide which type a cell could be. They run once per cell on
 * the ingest hot path, so they scan char codes instead of running a regular expression.
 */

/** Not a number literal. */
export const NOT_NUMERIC = 0;
/** An integer literal (`-12`, `+7`, `0`), safe as a double. */
export const INTEGER_LITERAL = 1;
/** A finite decimal literal that is not an integer literal (`1.5`, `.5`, `2e3`). */
export const DECIMAL_LITERAL = 2;
export type NumericKind = typeof NOT_NUMERIC | typeof INTEGER_LITERAL | typeof DECIMAL_LITERAL;

const DIGIT_0 = 48;
const DIGIT_9 = 57;

/** Exact powers of ten: a mantissa below 2^53 divided by one of these is correctly rounded. */
const POWERS_OF_TEN = Float64Array.from({ length: 16 }, (_, k) => 10 ** k);
/** Digits a double holds exactly, so a literal this short is computed without Number(). */
const EXACT_DIGITS = 15;

/** Receives the value numericKind parsed, so the caller does not parse the cell twice. */
export interface NumericOut {
  value: number;
}

/**
 * Classifies a cell as a number literal: `[+-]?(digits[.digits]|.digits)([eE][+-]?digits)?`.
 * Deliberately stricter than `Number()`, which accepts `''`, `' 1 '`, `0x1f`, `Infinity`.
 * Integers with a leading zero (`007`, ZIP codes like `02134`) are not numbers: turning
 * them into numbers would lose the zeros, so such columns stay categorical or text.
 * When `out` is given and the cell is numeric, `out.value` is set to `Number(value)`.
 */
export function numericKind(value: string, out?: NumericOut): NumericKind {
  const length = value.length;
  let i = 0;
  let code = value.charCodeAt(0);
  const negative = code === 45;
  if (code === 43 || code === 45) code = value.charCodeAt(++i); // + or -
  const intStart = i;
  // The digits are accumulated as they are scanned: for up to 15 of them, mantissa / 10^k
  // is exactly what Number() returns (Clinger's fast path), without a second parse.
  let mantissa = 0;
  while (code >= DIGIT_0 && code <= DIGIT_9) {
    mantissa = mantissa * 10 + (code - DIGIT_0);
    code = value.charCodeAt(++i);
  }
  const intDigits = i - intStart;
  if (intDigits > 1 && value.charCodeAt(intStart) === DIGIT_0) return NOT_NUMERIC;
  let integer = true;
  let fracDigits = 0;
  if (code === 46) {
    // .
    integer = false;
    const fracStart = ++i;
    code = value.charCodeAt(i);
    while (code >= DIGIT_0 && code <= DIGIT_9) {
      mantissa = mantissa * 10 + (code - DIGIT_0);
      code = value.charCodeAt(++i);
    }
    fracDigits = i - fracStart;
    if (fracDigits === 0) return NOT_NUMERIC; // `1.` or `.`
  } else if (intDigits === 0) {
    return NOT_NUMERIC;
  }
  let exponent = false;
  if (code === 101 || code === 69) {
    // e or E
    integer = false;
    exponent = true;
    code = value.charCodeAt(++i);
    if (code === 43 || code === 45) code = value.charCodeAt(++i);
    const expStart = i;
    while (code >= DIGIT_0 && code <= DIGIT_9) code = value.charCodeAt(++i);
    if (i === expStart) return NOT_NUMERIC;
  }
  if (i !== length) return NOT_NUMERIC;
  if (!exponent && intDigits + fracDigits <= EXACT_DIGITS) {
    if (out !== undefined) {
      const magnitude = fracDigits === 0 ? mantissa : mantissa / POWERS_OF_TEN[fracDigits]!;
      out.value = negative ? -magnitude : magnitude;
    }
    return integer ? INTEGER_LITERAL : DECIMAL_LITERAL;
  }
  const parsed = Number(value);
  if (out !== undefined) out.value = parsed;
  if (integer) {
    // Past 15 digits a double may not hold the integer exactly.
    return Number.isSafeInteger(parsed) ? INTEGER_LITERAL : DECIMAL_LITERAL;
  }
  return Number.isFinite(parsed) ? DECIMAL_LITERAL : NOT_NUMERIC;
}

/** numericKindBytes could not decide cheaply (exponent, > 15 digits): ask numericKind on the text. */
export const UNDECIDED = -1;

/**
 * numericKind over the ASCII bytes `bytes[start..end)`, so a numeric CSV cell needs no string.
 * Only literals Clinger's fast path computes exactly are decided here (the great majority);
 * for the rest it returns UNDECIDED, and the caller falls back to numericKind on the text,
 * so both paths agree on every cell.
 */
export function numericKindBytes(
  bytes: Uint8Array,
  start: number,
  end: number,
  out: NumericOut,
): NumericKind | typeof UNDECIDED {
  let i = start;
  let code = bytes[i]!;
  const negative = code === 45;
  if (code === 43 || code === 45) code = ++i < end ? bytes[i]! : 0;
  const intStart = i;
  let mantissa = 0;
  while (code >= DIGIT_0 && code <= DIGIT_9) {
    mantissa = mantissa * 10 + (code - DIGIT_0);
    code = ++i < end ? bytes[i]! : 0;
  }
  const intDigits = i - intStart;
  if (intDigits > 1 && bytes[intStart] === DIGIT_0) return NOT_NUMERIC;
  let fracDigits = 0;
  if (code === 46) {
    // .
    const fracStart = ++i;
    code = i < end ? bytes[i]! : 0;
    while (code >= DIGIT_0 && code <= DIGIT_9) {
      mantissa = mantissa * 10 + (code - DIGIT_0);
      code = ++i < end ? bytes[i]! : 0;
    }
    fracDigits = i - fracStart;
    if (fracDigits === 0) return NOT_NUMERIC;
  } else if (intDigits === 0) {
    return NOT_NUMERIC;
  }
  if (i !== end) return code === 101 || code === 69 ? UNDECIDED : NOT_NUMERIC;
  if (intDigits + fracDigits > EXACT_DIGITS) return UNDECIDED;
  const magnitude = fracDigits === 0 ? mantissa : mantissa / POWERS_OF_TEN[fracDigits]!;
  out.value = negative ? -magnitude : magnitude;
  return fracDigits === 0 ? INTEGER_LITERAL : DECIMAL_LITERAL;
}

/** `true` or `false` in any letter case; `yes`/`no`/`0`/`1` are not booleans (0/1 is an integer column). */
export function booleanLiteral(value: string): boolean | undefined {
  if (value.length === 4) {
    const lower = value.toLowerCase();
    return lower === 'true' ? true : undefined;
  }
  if (value.length === 5) {
    return value.toLowerCase() === 'false' ? false : undefined;
  }
  return undefined;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digitsAt(value: string, at: number, count: number): number {
  let result = 0;
  for (let i = at; i < at + count; i++) {
    const code = value.charCodeAt(i);
    if (code < DIGIT_0 || code > DIGIT_9) return -1;
    result = result * 10 + (code - DIGIT_0);
  }
  return result;
}

/**
 * Parses an ISO-8601 date or date-time and returns its instant in epoch milliseconds, or
 * NaN when the cell is not one. Accepted: `YYYY-MM-DD`, optionally followed by `T` or a
 * space, `HH:MM`, optional `:SS` and `.fraction`, and an optional `Z`, `±HH:MM`, `±HHMM` or
 * `±HH` offset. A value without an offset is read as UTC so that comparisons stay stable
 * whatever the server's time zone.
 */
export function parseIsoDatetime(value: string): number {
  const length = value.length;
  if (length < 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return Number.NaN;
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > (DAYS_IN_MONTH[month - 1] ?? 0)) return Number.NaN;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return Number.NaN;
  if (length === 10) return Date.UTC(year, month - 1, day);
  const separator = value.charCodeAt(10);
  if ((separator !== 84 && separator !== 32) || length < 16 || value.charCodeAt(13) !== 58) return Number.NaN;
  const hour = digitsAt(value, 11, 2);
  const minute = digitsAt(value, 14, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return Number.NaN;
  let i = 16;
  let second = 0;
  let millis = 0;
  if (value.charCodeAt(i) === 58) {
    second = digitsAt(value, i + 1, 2);
    if (second < 0 || second > 59) return Number.NaN;
    i += 3;
    if (value.charCodeAt(i) === 46 || value.charCodeAt(i) === 44) {
      const fracStart = ++i;
      let code = value.charCodeAt(i);
      while (code >= DIGIT_0 && code <= DIGIT_9) code = value.charCodeAt(++i);
      if (i === fracStart) return Number.NaN;
      millis = Number(`0.${value.slice(fracStart, i)}`) * 1000;
    }
  }
  let offsetMinutes = 0;
  if (i < length) {
    const sign = value.charCodeAt(i);
    if (sign === 90 || sign === 122) {
      // Z or z
      i += 1;
    } else if (sign === 43 || sign === 45) {
      const offsetHours = digitsAt(value, i + 1, 2);
      let offsetMins = 0;
      i += 3;
      if (value.charCodeAt(i) === 58) i += 1;
      if (i < length) {
        offsetMins = digitsAt(value, i, 2);
        i += 2;
      }
      if (offsetHours < 0 || offsetHours > 23 || offsetMins < 0 || offsetMins > 59) return Number.NaN;
      offsetMinutes = (sign === 45 ? -1 : 1) * (offsetHours * 60 + offsetMins);
    } else {
      return Number.NaN;
    }
  }
  if (i !== length) return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}
