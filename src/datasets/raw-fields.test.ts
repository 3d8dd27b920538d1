import { describe, expect, it } from 'vitest';
import { CsvReader } from './csv-reader.ts';
import { DatasetProfileBuilder } from './dataset-profile-builder.ts';

/** Profiles `csv`, cut into chunks of `chunk` bytes, with or without the byte path for cells. */
function profile(csv: string, raw: boolean, exactLimit: number, chunk = 997): unknown {
  const builder = new DatasetProfileBuilder('csv', { exactLimit });
  const reader = new CsvReader(builder.addCsvRecord, raw ? { rawField: builder.addCsvField } : {});
  const bytes = Buffer.from(csv, 'utf8');
  for (let at = 0; at < bytes.length; at += chunk) reader.write(bytes.subarray(at, at + chunk));
  reader.end();
  return builder.finish(bytes.length);
}

describe('profiling cells from bytes', () => {
  it('gives exactly the profiles that profiling their strings gives', () => {
    const odd = ['2e3', '12345678901234567', '-0', '"12"', '1.', 'TRUE', 'é', 'x', '007'];
    let csv = 'id,amount,flag,note,mixed\n';
    for (let i = 0; i < 5000; i++) {
      const id = i % 97 === 0 ? odd[i % odd.length] : i;
      const amount = i % 101 === 0 ? odd[(i >> 2) % odd.length] : (i % 313) / 8;
      csv += `${id},${amount},${i % 3 === 0},${i % 7 === 0 ? '' : `note ${i}`},${odd[i % odd.length]}\n`;
    }
    for (const exactLimit of [5, 50, 10_000])
      expect(profile(csv, true, exactLimit)).toEqual(profile(csv, false, exactLimit));
  });
});
