import { describe, expect, it } from 'vitest';
import { UnsupportedMediaTypeError } from '../errors.ts';
import {
  datasetFormatFromContentType,
  datasetFormatFromFilename,
  uploadFormatFromContentType,
  uploadFormatFromFilename,
} from './dataset-format.ts';

describe('datasetFormatFromContentType', () => {
  it.each([
    ['text/csv', 'csv'],
    ['application/csv', 'csv'],
    ['Text/CSV; charset=utf-8', 'csv'],
    ['application/x-ndjson', 'ndjson'],
    ['application/ndjson;charset=UTF-8', 'ndjson'],
    ['application/jsonl', 'ndjson'],
  ])('maps %s to %s', (contentType, format) => {
    expect(datasetFormatFromContentType(contentType)).toBe(format);
  });

  it.each([undefined, '', 'application/json', 'text/plain', 'constructor'])('answers 415 for %j', (contentType) => {
    expect(() => datasetFormatFromContentType(contentType)).toThrow(UnsupportedMediaTypeError);
    try {
      datasetFormatFromContentType(contentType);
    } catch (error) {
      expect((error as UnsupportedMediaTypeError).status).toBe(415);
    }
  });
});

describe('uploadFormatFromContentType', () => {
  it('names ZIP uploads, and tabular ones as datasetFormatFromContentType does', () => {
    expect(
      ['application/zip', 'Application/X-Zip-Compressed; foo=bar', 'text/csv', 'application/jsonl'].map(
        uploadFormatFromContentType,
      ),
    ).toEqual(['zip', 'zip', 'csv', 'ndjson']);
  });

  it('names Parquet uploads by the registered media type and the older one', () => {
    expect(['application/vnd.apache.parquet', 'Application/X-Parquet'].map(uploadFormatFromContentType)).toEqual([
      'parquet',
      'parquet',
    ]);
    expect(() => uploadFormatFromContentType('application/octet-stream')).toThrow(/application\/vnd\.apache\.parquet/);
  });

  it('answers 415 for anything else', () => {
    expect(() => uploadFormatFromContentType('application/gzip')).toThrow(UnsupportedMediaTypeError);
    expect(() => uploadFormatFromContentType(undefined)).toThrow(UnsupportedMediaTypeError);
  });
});

describe('datasetFormatFromFilename', () => {
  it('maps .csv, .ndjson and .jsonl in any case', () => {
    expect(['a.csv', 'B.CSV', 'x.ndjson', 'y.JSONL'].map(datasetFormatFromFilename)).toEqual([
      'csv',
      'csv',
      'ndjson',
      'ndjson',
    ]);
  });

  it('refuses other files', () => {
    expect(() => datasetFormatFromFilename('data.xlsx')).toThrow(UnsupportedMediaTypeError);
    expect(() => datasetFormatFromFilename('csv')).toThrow(UnsupportedMediaTypeError);
  });
});

describe('uploadFormatFromFilename', () => {
  it('maps .parquet besides the text formats, and refuses others', () => {
    expect(['t.parquet', 'T.PARQUET', 'a.csv', 'b.jsonl'].map(uploadFormatFromFilename)).toEqual([
      'parquet',
      'parquet',
      'csv',
      'ndjson',
    ]);
    expect(() => uploadFormatFromFilename('t.parquet.gz')).toThrow(UnsupportedMediaTypeError);
  });
});
