import { UnsupportedMediaTypeError } from '../errors.ts';

/** The tabular formats a dataset can be uploaded in. */
export type DatasetFormat = 'csv' | 'ndjson';

const FORMAT_BY_MEDIA_TYPE = new Map<string, DatasetFormat>([
  ['text/csv', 'csv'],
  ['application/csv', 'csv'],
  ['application/x-ndjson', 'ndjson'],
  ['application/ndjson', 'ndjson'],
  ['application/jsonl', 'ndjson'],
]);

/**
 * The dataset format named by a `Content-Type` header (parameters such as
 * `; charset=utf-8` are ignored, the media type is case-insensitive).
 * @throws UnsupportedMediaTypeError (415) for a missing or unsupported media type.
 */
export function datasetFormatFromContentType(contentType: string | undefined): DatasetFormat {
  const mediaType = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  const format = FORMAT_BY_MEDIA_TYPE.get(mediaType);
  if (format === undefined) {
    const got = mediaType.length === 0 ? 'no Content-Type' : `Content-Type '${mediaType}'`;
    throw new UnsupportedMediaTypeError(`Datasets are uploaded as ${[...FORMAT_BY_MEDIA_TYPE.keys()].join(', ')} or multipart/form-data; got ${got}.`);
  }
  return format;
}

/**
 * The dataset format named by a file name's extension (`.csv`, `.ndjson`, `.jsonl`), for
 * multipart parts.
 * @throws UnsupportedMediaTypeError (415) for any other extension.
 */
export function datasetFormatFromFilename(filename: string): DatasetFormat {
  const lower = filename.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  throw new UnsupportedMediaTypeError(`The file '${filename}' is not a .csv, .ndjson or .jsonl file.`);
}
