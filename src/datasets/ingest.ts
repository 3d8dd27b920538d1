import type { ColumnProfile } from './column-profile.ts';
import { CsvReader } from './csv-reader.ts';
import { InvalidDatasetError } from '../errors.ts';
import { PARQUET_MEDIA_TYPES, type DatasetFormat } from './dataset-format.ts';
import type { ProfileLimits } from './dataset-profile-builder.ts';
import { DatasetProfileBuilder } from './dataset-profile-builder.ts';
import { NdjsonReader } from './ndjson-reader.ts';
import { PARQUET_MAGIC } from './parquet-file.ts';
import { storeUpload, type StoreUploadOptions } from './store-upload.ts';
import { Utf8Validator } from './utf8-validator.ts';

/** Where and how the body is stored (see storeUpload), and how it is read. */
export interface IngestDatasetOptions extends Omit<StoreUploadOptions, 'inspector'> {
  format: DatasetFormat;
  /** Profiling limits; the defaults suit production. */
  limits?: ProfileLimits;
}

export interface IngestedDataset {
  rowCount: number;
  columns: ColumnProfile[];
  /** Hex sha256 of the stored bytes. */
  sha256: string;
  sizeBytes: number;
}

/**
 * Streams an uploaded CSV or NDJSON dataset into the artifact store while validating and
 * profiling it, in one pass and bounded memory. The object under `key` appears only once the
 * whole body is stored and valid; on any failure nothing is left in the store.
 *
 * @throws InvalidDatasetError (400) for a malformed dataset, saying the line;
 *   PayloadTooLargeError (413) past `maxBytes`; UploadAbortedError (400) when the source
 *   fails or closes early or `signal` aborts. Store failures are rethrown as they are.
 */
export async function ingestDataset(options: IngestDatasetOptions): Promise<IngestedDataset> {
  const { format, limits, ...upload } = options;
  const builder = new DatasetProfileBuilder(format, limits);
  const reader =
    format === 'csv'
      ? new CsvReader(builder.addCsvRecord, { rawField: builder.addCsvField })
      : new NdjsonReader(builder.addJsonRecord);
  const validator = new Utf8Validator();
  let columns: ColumnProfile[] = [];
  let first = true;
  const written = await storeUpload({
    ...upload,
    inspector: {
      write(chunk) {
        if (first) {
          first = false;
          // Parquet bytes would fail as "not UTF-8" or "NUL": say what they are instead.
          if (chunk.subarray(0, 4).equals(PARQUET_MAGIC))
            throw new InvalidDatasetError(
              `The body is a Parquet file (it starts with PAR1), not ${format === 'csv' ? 'CSV' : 'NDJSON'}: ` +
                `send it with Content-Type ${PARQUET_MEDIA_TYPES[0]}.`,
            );
        }
        validator.check(chunk, reader.line);
        reader.write(chunk);
      },
      end(sizeBytes) {
        validator.end(reader.line);
        reader.end();
        columns = builder.finish(sizeBytes);
      },
    },
  });
  return { rowCount: builder.rows, columns, sha256: written.sha256, sizeBytes: written.sizeBytes };
}
