import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InvalidDatasetError } from '../errors.ts';
import type { DatasetFormat } from './dataset-format.ts';
import { ingestDataset } from './ingest.ts';
import { useTempArtifactStore } from '../../test/support/temp-artifact-store.ts';

const temp = useTempArtifactStore();

/** Ingests `chunks`, expects an InvalidDatasetError, checks nothing was stored, returns it. */
async function rejection(format: DatasetFormat, ...chunks: (string | Buffer)[]): Promise<InvalidDatasetError> {
  const source = Readable.from(chunks.map((chunk) => Buffer.from(chunk)));
  const error = await ingestDataset({
    source,
    format,
    store: temp.store,
    key: 'datasets/p/bad',
    maxBytes: 1 << 20,
  }).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(InvalidDatasetError);
  expect((error as InvalidDatasetError).status).toBe(400);
  expect(await temp.files()).toEqual([]);
  return error as InvalidDatasetError;
}

describe('ingestDataset validation (CSV)', () => {
  it('refuses an empty body', async () => {
    expect((await rejection('csv', '')).message).toMatch(/empty/);
    expect((await rejection('csv', '\n\n')).message).toMatch(/no header line/);
  });

  it('refuses a header without data rows', async () => {
    expect((await rejection('csv', 'a,b\n')).message).toMatch(/header but no data rows/);
  });

  it('says the byte offset and line of invalid UTF-8', async () => {
    const error = await rejection('csv', 'a,b\n1,2\n', Buffer.from([0x33, 0x2c, 0xff, 0x0a]));
    expect(error.message).toMatch(/not valid UTF-8.*byte offset 10 \(line 3\)/);
    expect(error.extra).toEqual({ byteOffset: 10, line: 3 });
  });

  it('says where a multi-byte character is cut by the end of the body', async () => {
    const error = await rejection('csv', 'a\n', Buffer.from([0xc3]));
    expect(error.extra).toEqual({ byteOffset: 2, line: 2 });
  });

  it('finds an invalid sequence that starts in the previous chunk', async () => {
    // E2 82 starts a 3-byte character; the next chunk's 41 is not a continuation byte.
    const error = await rejection('csv', Buffer.from([0x61, 0x0a, 0x62, 0xe2, 0x82]), Buffer.from([0x41, 0x0a]));
    expect(error.extra).toEqual({ byteOffset: 3, line: 2 });
  });

  it('says which row is ragged, with expected and actual column counts', async () => {
    const error = await rejection('csv', 'a,b,c\n1,2,3\n4,5\n');
    expect(error.message).toBe('Line 3 has 2 columns; the header has 3.');
    expect(error.extra).toMatchObject({ line: 3, expectedColumns: 3, actualColumns: 2 });
    expect((await rejection('csv', 'a,b\n1,2\n"multi\nline",2\n3,4,5\n')).message).toBe(
      'Line 5 has 3 columns; the header has 2.',
    );
  });

  it('refuses blank and duplicate header names, saying which column', async () => {
    expect((await rejection('csv', 'a,,c\n1,2,3\n')).message).toBe(
      'Line 1: the header of column 2 is blank; every column needs a name.',
    );
    expect((await rejection('csv', 'a, ,c\n1,2,3\n')).extra).toEqual({ line: 1, column: 2 });
    expect((await rejection('csv', 'id,x,id\n1,2,3\n')).message).toBe(
      "Line 1: the header name 'id' is used by columns 1 and 3; names must be unique.",
    );
  });

  it('refuses an unclosed quote and a stray character after a closing quote', async () => {
    expect((await rejection('csv', 'a,b\n1,"x\n')).message).toMatch(/^Line 2: a quoted field is never closed/);
    expect((await rejection('csv', 'a,b\n1,2\n3,"x"y\n')).message).toMatch(
      /^Line 3: unexpected character after the closing quote/,
    );
  });
});

describe('ingestDataset validation (NUL characters)', () => {
  it('refuses a NUL byte in CSV, saying its line, even in a later chunk', async () => {
    const error = await rejection('csv', 'a,b\n1,2\n', '3,4\n5,x\u0000y\n');
    expect(error.message).toMatch(/^Line 4: .*NUL character/);
    expect((await rejection('csv', 'a\u0000,b\n1,2\n')).message).toMatch(/^Line 1: .*NUL/);
  });

  it('refuses U+0000 spelt as a JSON escape in an NDJSON key or value, saying line and key', async () => {
    expect((await rejection('ndjson', '{"a":"b"}\n{"a":"x\\u0000"}\n')).message).toMatch(/^Line 2, key 'a': .*NUL/);
    expect((await rejection('ndjson', '{"\\u0000":1}\n')).message).toMatch(/^Line 1, key '\\u0000': .*NUL/);
  });
});

describe('ingestDataset validation (NDJSON)', () => {
  it('refuses a line that is not a JSON object, saying the line', async () => {
    expect((await rejection('ndjson', '{"a":1}\n[1,2]\n')).message).toBe('Line 2 is an array, not a JSON object.');
    expect((await rejection('ndjson', '{"a":1}\n\n42\n')).message).toBe('Line 3 is a number, not a JSON object.');
    expect((await rejection('ndjson', '{"a":1}\nnull\n')).extra).toEqual({ line: 2 });
    expect((await rejection('ndjson', '{"a":1}\n{"a":\n')).message).toMatch(/^Line 2 is not valid JSON/);
  });

  it('refuses nested objects and arrays, saying the line and key', async () => {
    const nested = await rejection('ndjson', '{"a":1}\n{"a":2,"b":{"c":3}}\n');
    expect(nested.message).toMatch(/^Line 2, key 'b': a nested object is not a supported value/);
    expect(nested.extra).toEqual({ line: 2, column: 'b' });
    expect((await rejection('ndjson', '{"tags":["x"]}\n')).message).toMatch(/^Line 1, key 'tags': an array/);
  });

  it('refuses a body with no object and invalid UTF-8', async () => {
    expect((await rejection('ndjson', '\n \n')).message).toMatch(/no rows/);
    expect((await rejection('ndjson', '{"a":"x"}\n', Buffer.from([0x7b, 0xc0, 0x80, 0x7d]))).extra).toEqual({
      byteOffset: 11,
      line: 2,
    });
  });
});
