import { describe, expect, it } from 'vitest';
import {
  booleanLiteral,
  DECIMAL_LITERAL,
  INTEGER_LITERAL,
  NOT_NUMERIC,
  numericKind,
  numericKindBytes,
  parseIsoDatetime,
  UNDECIDED,
} from './value-literals.ts';

describe('numericKind', () => {
  it.each(['0', '7', '-12', '+3', '123456789012345'])('reads %s as an integer literal', (value) => {
    expect(numericKind(value)).toBe(INTEGER_LITERAL);
  });

  it.each(['1.5', '-0.25', '.5', '2e3', '1E-7', '+4.0', '12345678901234567890'])(
    'reads %s as a decimal literal',
    (value) => {
      expect(numericKind(value)).toBe(DECIMAL_LITERAL);
    },
  );

  it.each([
    '',
    ' 1',
    '1 ',
    '1.',
    '.',
    '-',
    'e5',
    '1e',
    '0x1f',
    'Infinity',
    'NaN',
    '1,5',
    '007',
    '02134',
    '1e999',
    '--1',
  ])('refuses %j', (value) => {
    expect(numericKind(value)).toBe(NOT_NUMERIC);
  });
});

describe('booleanLiteral', () => {
  it('accepts true and false in any case and nothing else', () => {
    expect(['true', 'TRUE', 'True', 'false', 'FaLsE'].map(booleanLiteral)).toEqual([true, true, true, false, false]);
    expect(['yes', 'no', '0', '1', 't', 'f', 'truth', ''].map(booleanLiteral)).toEqual(Array(8).fill(undefined));
  });
});

describe('parseIsoDatetime', () => {
  it('reads dates and date-times, without an offset as UTC', () => {
    expect(parseIsoDatetime('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    expect(parseIsoDatetime('2024-03-01T12:30')).toBe(Date.UTC(2024, 2, 1, 12, 30));
    expect(parseIsoDatetime('2024-03-01 12:30:15.250')).toBe(Date.UTC(2024, 2, 1, 12, 30, 15, 250));
    expect(parseIsoDatetime('2024-03-01T12:30:15Z')).toBe(Date.UTC(2024, 2, 1, 12, 30, 15));
    expect(parseIsoDatetime('2024-03-01T12:30:15+02:00')).toBe(Date.UTC(2024, 2, 1, 10, 30, 15));
    expect(parseIsoDatetime('2024-03-01T12:30:15-0130')).toBe(Date.UTC(2024, 2, 1, 14, 0, 15));
  });

  it.each([
    '2023-02-29',
    '2024-13-01',
    '2024-04-31',
    '2024-1-01',
    '20240101',
    '2024-01-01T25:00',
    '2024-01-01T10:00Q',
    '2024-01-01X',
    'hello world',
    '1.5',
  ])('refuses %j', (value) => {
    expect(parseIsoDatetime(value)).toBeNaN();
  });
});

describe('numericKind parsing', () => {
  it('returns exactly what Number() returns, on the fast path and off it', () => {
    const out = { value: Number.NaN };
    const cells = [
      '0',
      '-0',
      '+7',
      '12',
      '-12.5',
      '0.1',
      '.3',
      '123456789012345',
      '1234567890.12345',
      '0.000000000000001',
      '9007199254740993',
      '1.23456789012345678',
      '2e3',
      '-1.5E-7',
      '99999.99999',
    ];
    for (const cell of cells) {
      numericKind(cell, out);
      expect(Object.is(out.value, Number(cell)), cell).toBe(true);
    }
    // Many scattered decimals: the mantissa / 10^k shortcut must round like the full parser.
    for (let i = 0; i < 20_000; i++) {
      const cell = `${(i * 7_919_993) % 1e9}.${String((i * 104_729) % 1e6).padStart(6, '0')}`;
      numericKind(cell, out);
      expect(out.value, cell).toBe(Number(cell));
    }
  });
});

describe('numericKindBytes', () => {
  /** numericKindBytes over `cell` as it sits inside a CSV line, between two commas. */
  function fromBytes(cell: string) {
    const out = { value: Number.NaN };
    const bytes = Buffer.from(`,${cell},`, 'latin1');
    return { kind: numericKindBytes(bytes, 1, bytes.length - 1, out), value: out.value };
  }

  // Literals Clinger's fast path computes exactly (at most 15 digits, no exponent) are decided
  // here, and so is every cell that cannot be a number whatever follows its first bad byte.
  it.each([
    ['0', INTEGER_LITERAL],
    ['7', INTEGER_LITERAL],
    ['-12', INTEGER_LITERAL],
    ['+3', INTEGER_LITERAL],
    ['-0', INTEGER_LITERAL],
    ['123456789012345', INTEGER_LITERAL],
    ['1.5', DECIMAL_LITERAL],
    ['-0.25', DECIMAL_LITERAL],
    ['.5', DECIMAL_LITERAL],
    ['+4.0', DECIMAL_LITERAL],
    ['1234567890.12345', DECIMAL_LITERAL],
    ['', NOT_NUMERIC],
    ['-', NOT_NUMERIC],
    ['+', NOT_NUMERIC],
    ['1.', NOT_NUMERIC],
    ['.', NOT_NUMERIC],
    ['e5', NOT_NUMERIC],
    ['007', NOT_NUMERIC],
    ['02134', NOT_NUMERIC],
    ['1,5', NOT_NUMERIC],
    ['x1', NOT_NUMERIC],
    ['1x', NOT_NUMERIC],
    ['0x1f', NOT_NUMERIC],
  ] as const)('decides %j as numericKind does (%i)', (cell, expected) => {
    const text = { value: Number.NaN };
    expect(numericKind(cell, text)).toBe(expected);
    const decided = fromBytes(cell);
    expect(decided.kind).toBe(expected);
    if (expected !== NOT_NUMERIC) expect(Object.is(decided.value, text.value)).toBe(true);
  });

  // An exponent, or more digits than a double holds exactly: left to numericKind on the text.
  it.each(['2e3', '1E-7', '1e999', '1e', '12345678901234567890', '1.2345678901234567', '-1234567890123456'])(
    'leaves %j UNDECIDED',
    (cell) => {
      expect(fromBytes(cell).kind).toBe(UNDECIDED);
    },
  );
});
