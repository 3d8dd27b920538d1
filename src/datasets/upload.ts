/**
 * Uploading a dataset, whatever its format: the body is streamed to the artifact store
 * (CSV and NDJSON validated and profiled on the way; a ZIP or Parquet file, whose directory
 * or footer sits at its end, read back and profiled once stored whole), and the dataset row is written only when all
 * of it is valid. On any failure the stored file is deleted: nothing half-written survives.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Database } from '../db/client.ts';
import { checkDatasetQuotas, lockProject, storedBytesExceeded } from '../quotas/quota-checks.ts';
import type { QuotaLimits } from '../quotas/quota-limits.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { datasetArtifactKey, recordDatasetVersion } from './dataset-catalog.ts';
import type { UploadFormat } from './dataset-format.ts';
import type { ProfileLimits } from './dataset-profile-builder.ts';
import type { ArchiveLimits } from './image-archive.ts';
import { profileImageArchive } from './image-dataset.ts';
import { ingestDataset } from './ingest.ts';
import { profileParquet } from './parquet-dataset.ts';
import { parquetMagicInspector, type ParquetLimits } from './parquet-file.ts';
import { storeUpload } from './store-upload.ts';

export interface UploadDatasetOptions {
  db: Database;
  store: ArtifactStore;
  projectId: string;
  /** The dataset's name; an existing name gets its next version. */
  name: string;
  format: UploadFormat;
  /** The upload body, read once. */
  source: Readable;
  /** Bodies longer than this are refused with PayloadTooLargeError (413). */
  maxBytes: number;
  /** Aborting stops the upload with UploadAbortedError. */
  signal?: AbortSignal;
  /** CSV and NDJSON profiling limits; the defaults suit production. */
  profileLimits?: ProfileLimits;
  /** Parquet footer, row group and column limits; the defaults suit production. */
  parquetLimits?: ParquetLimits;
  /** ZIP archive limits; the defaults suit production. */
  archiveLimits?: Partial<ArchiveLimits>;
  /** The project's quotas: the datasets count and stored bytes bound the upload. */
  quotas?: QuotaLimits;
}

/**
 * Stores, validates, profiles and records one upload as the next version of its name, and
 * returns the dataset row (a ZIP's left-out entries are in its `skipped`).
 *
 * @throws InvalidDatasetError (400) for a malformed dataset; PayloadTooLargeError (413) past
 *   `maxBytes`; ArchiveLimitError (413) for a ZIP past its limits; UploadAbortedError (400)
 *   when the body stops early; QuotaExceededError (403) when the project may not keep another
 *   dataset or these bytes. Store and database failures are rethrown as they are.
 */
export async function uploadDataset(options: UploadDatasetOptions) {
  const { db, store, projectId, name, format, source, maxBytes, signal, quotas } = options;
  const id = randomUUID();
  const artifactKey = datasetArtifactKey(projectId, id, format);
  // Refused before the body is read when nothing fits; otherwise the body may be as long as
  // the quota leaves, so an oversized upload stops at that byte instead of at its end.
  let remaining: number | null = null;
  try {
    if (quotas) remaining = await checkDatasetQuotas(db, quotas, projectId);
  } catch (error) {
    // Unread, the body is dropped as a failed store would drop it (the connection then closes).
    source.destroy();
    throw error;
  }
  const limit = quotas?.storedBytes ?? null;
  const left = remaining;
  const budget =
    limit !== null && left !== null
      ? { bytes: left, exceeded: () => storedBytesExceeded(limit, limit - left) }
      : undefined;
  // CSV and NDJSON are profiled as they are stored; ZIP and Parquet, whose indexes sit at
  // their end, once stored whole. Either way, a failed store keeps nothing.
  const ingested =
    format === 'zip' || format === 'parquet'
      ? undefined
      : await ingestDataset({
          source,
          format,
          store,
          key: artifactKey,
          maxBytes,
          budget,
          signal,
          limits: options.profileLimits,
        });
  const inspector = format === 'parquet' ? parquetMagicInspector() : undefined;
  const written =
    ingested ?? (await storeUpload({ source, store, key: artifactKey, maxBytes, budget, signal, inspector }));
  try {
    const profile =
      ingested ??
      (format === 'parquet'
        ? await profileParquet(await store.openRanges(artifactKey), {
            ...options.profileLimits,
            ...options.parquetLimits,
          })
        : await profileImageArchive(await store.read(artifactKey), options.archiveLimits));
    return await recordDatasetVersion(
      db,
      { id, projectId, name, format, artifactKey, ...profile, sha256: written.sha256, sizeBytes: written.sizeBytes },
      // Checked again as the row is written, under the project's lock: uploads racing each
      // other each fitted the quota alone, and only those that still fit together are kept.
      quotas && (quotas.datasets !== null || quotas.storedBytes !== null)
        ? async (tx, sizeBytes) => {
            await lockProject(tx, projectId);
            await checkDatasetQuotas(tx, quotas, projectId, sizeBytes);
          }
        : undefined,
    );
  } catch (error) {
    await store.delete(artifactKey);
    throw error;
  }
}
