import type { Readable } from 'node:stream';
import { PassThrough, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DomainError, PayloadTooLargeError } from '../errors.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import type { ColumnProfile } from './column-profile.ts';
import { CsvReader } from './csv-reader.ts';
import type { DatasetFormat } from './dataset-format.ts';
import type { ProfileLimits } from './dataset-profile-builder.ts';
import { DatasetProfileBuilder } from './dataset-profile-builder.ts';
import { NdjsonReader } from './ndjson-reader.ts';
import { UploadAbortedError } from './upload-aborted-error.ts';
import { Utf8Validator } from './utf8-validator.ts';

export interface IngestDatasetOptions {
  /** The upload body, read once. */
  source: Readable;
  format: DatasetFormat;
  store: ArtifactStore;
  /** Where the dataset file is stored. */
  key: string;
  /** Bodies longer than this are refused with PayloadTooLargeError (413). */
  maxBytes: number;
  /** Aborting stops the upload with UploadAbortedError; nothing is stored. */
  signal?: AbortSignal;
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
 * Streams an uploaded dataset into the artifact store while validating and profiling it,
 * in one pass and bounded memory. The object under `key` appears only once the whole body
 * is stored and valid; on any failure nothing is left in the store.
 *
 * @throws InvalidDatasetError (400) for a malformed dataset, saying the line;
 *   PayloadTooLargeError (413) past `maxBytes`; UploadAbortedError (400) when the source
 *   fails or closes early or `signal` aborts. Store failures are rethrown as they are.
 */
export async function ingestDataset(options: IngestDatasetOptions): Promise<IngestedDataset> {
  const { source, format, store, key, maxBytes, signal } = options;
  const builder = new DatasetProfileBuilder(format, options.limits);
  const reader = format === 'csv' ? new CsvReader(builder.addCsvRecord, { rawField: builder.addCsvField }) : new NdjsonReader(builder.addJsonRecord);
  const validator = new Utf8Validator();
  const storeInput = new PassThrough({ highWaterMark: 1 << 16 });
  // Destroying storeInput is how a failed upload cancels the store write; the store reports
  // that through its promise, and may not be listening yet (it creates its directory first).
  storeInput.on('error', () => undefined);
  let sizeBytes = 0;
  let sourceError: unknown;
  let storeError: unknown;
  source.once('error', (error) => {
    sourceError = error;
  });

  // Every chunk goes to the parser and, with backpressure, to the store; the store
  // commits (renames its temp file) only when storeInput ends, after validation passed.
  const sink = new Writable({
    highWaterMark: 1 << 16,
    write(chunk: Buffer, _encoding, callback) {
      try {
        sizeBytes += chunk.length;
        if (sizeBytes > maxBytes) throw new PayloadTooLargeError(maxBytes);
        validator.check(chunk, reader.line);
        reader.write(chunk);
      } catch (error) {
        callback(error as Error);
        return;
      }
      if (storeInput.write(chunk)) callback();
      else storeInput.once('drain', () => callback());
    },
    final(callback) {
      try {
        validator.end(reader.line);
        reader.end();
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  const written = store.write(key, storeInput);
  // A store that fails mid-way stops the upload instead of leaving it blocked on 'drain'.
  written.catch((error: unknown) => {
    storeError = error;
    sink.destroy(error as Error);
  });

  try {
    await pipeline(source, sink, signal === undefined ? {} : { signal });
    const columns = builder.finish(sizeBytes);
    storeInput.end();
    const artifact = await written;
    return { rowCount: builder.rows, columns, sha256: artifact.sha256, sizeBytes: artifact.sizeBytes };
  } catch (error) {
    storeInput.destroy(error as Error);
    const committed = await written.then(
      () => true,
      () => false,
    );
    if (committed) await store.delete(key);
    throw ingestError(storeError ?? error, sourceError);
  }
}

function ingestError(error: unknown, sourceError: unknown): unknown {
  if (error instanceof DomainError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if ((error as Error | undefined)?.name === 'AbortError' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (sourceError !== undefined && error === sourceError)) {
    return new UploadAbortedError(undefined, error);
  }
  return error;
}
