import { UnsupportedMediaTypeError } from '../errors.ts';

/** The tabular formats a dataset can be uploaded in. */
export type DatasetFormat = 'csv' | 'ndjson';

/** Every format a dataset upload can have: a tabular file (text or Parquet), or a ZIP of class folders of images. */
export type UploadFormat = DatasetFormat | 'parquet' | 'zip';

const FORMAT_BY_MEDIA_TYPE = new Map<string, DatasetFormat>([
  ['text/csv', 'csv'],
  ['application/csv', 'csv'],
  ['application/x-ndjson', 'ndjson'],
  ['application/ndjson', 'ndjson'],
  ['application/jsonl', 'ndjson'],
]);

/** Media types of CSV and NDJSON bodies. */
export const TABULAR_MEDIA_TYPES = [...FORMAT_BY_MEDIA_TYPE.keys()];

/** Media types of ZIP uploads (the second is what Windows browsers send). */
export const ZIP_MEDIA_TYPES = ['application/zip', 'application/x-zip-compressed'];

/** Media types of Parquet uploads: the registered one, and the one older tools send. */
export const PARQUET_MEDIA_TYPES = ['application/vnd.apache.parquet', 'application/x-parquet'];

/** The media type of a `Content-Type` header: parameters dropped, lower case. */
function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

/**
 * The dataset format named by a `Content-Type` header (parameters such as
 * `; charset=utf-8` are ignored, the media type is case-insensitive).
 * @throws UnsupportedMediaTypeError (415) for a missing or unsupported media type.
 */
export function datasetFormatFromContentType(contentType: string | undefined): DatasetFormat {
  const mediaType = mediaTypeOf(contentType);
  const format = FORMAT_BY_MEDIA_TYPE.get(mediaType);
  if (format === undefined) {
    const got = mediaType.length === 0 ? 'no Content-Type' : `Content-Type '${mediaType}'`;
    throw new UnsupportedMediaTypeError(
      `Datasets are uploaded as ${TABULAR_MEDIA_TYPES.join(', ')} or multipart/form-data; got ${got}.`,
    );
  }
  return format;
}

/**
 * The upload format of a body sent with this `Content-Type`: `zip` and `parquet` for their
 * media types, otherwise as {@link datasetFormatFromContentType} says.
 * @throws UnsupportedMediaTypeError (415) for a missing or unsupported media type.
 */
export function uploadFormatFromContentType(contentType: string | undefined): UploadFormat {
  const mediaType = mediaTypeOf(contentType);
  if (ZIP_MEDIA_TYPES.includes(mediaType)) return 'zip';
  if (PARQUET_MEDIA_TYPES.includes(mediaType)) return 'parquet';
  if (FORMAT_BY_MEDIA_TYPE.has(mediaType)) return FORMAT_BY_MEDIA_TYPE.get(mediaType)!;
  const got = mediaType.length === 0 ? 'no Content-Type' : `Content-Type '${mediaType}'`;
  throw new UnsupportedMediaTypeError(
    `Datasets are uploaded as ${[...TABULAR_MEDIA_TYPES, ...PARQUET_MEDIA_TYPES, ...ZIP_MEDIA_TYPES].join(', ')} ` +
      `or multipart/form-data; got ${got}.`,
  );
}

/**
 * The format of a multipart dataset upload named by its file name: `.parquet`, or as
 * {@link datasetFormatFromFilename} says.
 * @throws UnsupportedMediaTypeError (415) for any other extension.
 */
export function uploadFormatFromFilename(filename: string): UploadFormat {
  if (filename.toLowerCase().endsWith('.parquet')) return 'parquet';
  if (/\.(csv|ndjson|jsonl)$/i.test(filename)) return datasetFormatFromFilename(filename);
  throw new UnsupportedMediaTypeError(`The file '${filename}' is not a .csv, .ndjson, .jsonl or .parquet file.`);
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

/**
 * The format of an imported dataset, from what its source says: the media type it answered
 * with, else its path's extension. Undefined when neither names one (`application/octet-stream`
 * and an unknown extension): the request must then say the format itself.
 */
export function importedFormat(contentType: string | undefined, path: string): UploadFormat | undefined {
  const mediaType = mediaTypeOf(contentType);
  if (ZIP_MEDIA_TYPES.includes(mediaType)) return 'zip';
  if (PARQUET_MEDIA_TYPES.includes(mediaType)) return 'parquet';
  const named = FORMAT_BY_MEDIA_TYPE.get(mediaType);
  if (named) return named;
  const extension = /\.([a-z]+)$/i.exec(path)?.[1]?.toLowerCase();
  if (extension === 'csv') return 'csv';
  if (extension === 'ndjson' || extension === 'jsonl') return 'ndjson';
  if (extension === 'parquet') return 'parquet';
  if (extension === 'zip') return 'zip';
  return undefined;
}
