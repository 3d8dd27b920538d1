import { describe, expect, it } from 'vitest';
import { InvalidDatasetError } from '../errors.ts';
import { CsvReader } from './csv-reader.ts';

/** Parses `text` fed in chunks of `chunkSize` bytes; returns each record with its line. */
function parse(text: string | Buffer, chunkSize = Number.MAX_SAFE_INTEGER): [string[], number][] {
  const records: [string[], number][] = [];
  const reader = new CsvReader((fields, line) => records.push([[...fields], line]));
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  for (let at = 0; at < bytes.length; at += chunkSize) reader.write(bytes.subarray(at, at + chunkSize));
  reader.end();
  return records;
}

const TRICKY = '\ufeffid,"name",note\r\n1,"Smith, Ann","said ""hi""\nthen left"\r\n\r\n2,Zoë,\n3,,"" \n4,"",x';

describe('CsvReader', () => {
  it('parses quotes, escapes, embedded newlines, CRLF, blank lines, BOM and empty fields', () => {
    expect(() => parse(TRICKY)).toThrow(InvalidDatasetError); // `"" ` : a space after the closing quote
    const text = TRICKY.replace('"" \n', '""\n');
    expect(parse(text)).toEqual([
      [['id', 'name', 'note'], 1],
      [['1', 'Smith, Ann', 'said "hi"\nthen left'], 2],
      [['2', 'Zoë', ''], 5],
      [['3', '', ''], 6],
      [['4', '', 'x'], 7],
    ]);
  });

  it('gives the same records whatever the chunk boundaries, even inside a multi-byte character', () => {
    const text = TRICKY.replace('"" \n', '""\n');
    const whole = parse(text);
    for (const size of [1, 2, 3, 5, 7]) expect(parse(text, size)).toEqual(whole);
  });

  it('keeps a trailing empty field and a last line without a newline', () => {
    expect(parse('a,b\n1,\n2,3')).toEqual([
      [['a', 'b'], 1],
      [['1', ''], 2],
      [['2', '3'], 3],
    ]);
  });

  it('reads lone CR line ends', () => {
    expect(parse('a\r1\r2\r')).toEqual([
      [['a'], 1],
      [['1'], 2],
      [['2'], 3],
    ]);
  });

  it('says which line a quoted field that never closes starts on', () => {
    expect(() => parse('a,b\n1,2\n3,"open\nmore\n')).toThrow(/Line 3: a quoted field is never closed/);
  });

  it('refuses a field longer than the limit spanning chunks', () => {
    const reader = new CsvReader(() => undefined, { maxFieldBytes: 10 });
    reader.write(Buffer.from('a\n"0123456'));
    expect(() => reader.write(Buffer.from('789abcdef'))).toThrow(/longer than 10 bytes/);
  });
});
