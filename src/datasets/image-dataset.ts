/**
 * Image datasets uploaded as a ZIP archive (`application/zip`): one folder per class, or the
 * same under one root folder. A ZIP's central directory sits at its end, so the body is
 * first streamed to the artifact store (bounded by MAX_UPLOAD_BYTES), then read back and
 * checked by `readImageArchive` (entry count, inflated sizes, compression ratio, unsafe
 * names, non-image entries). On any failure the stored file is deleted: nothing is left.
 */
import { randomUUID } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import type { Database } from '../db/client.ts';
import { readImageArchive, type ArchiveLimits, type ImageArchive } from './image-archive.ts';
import { DomainError, InvalidDatasetError, PayloadTooLargeError } from '../errors.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import type { ColumnProfile } from './column-profile.ts';
import { recordDatasetVersion } from './dataset-catalog.ts';
import { UploadAbortedError } from './upload-aborted-error.ts';

/** Media types of ZIP uploads (the second is what Windows browsers send). */
export const ZIP_MEDIA_TYPES = ['application/zip', 'application/x-zip-compressed'];

/** True when a Content-Type header names a ZIP upload. */
export function isZipContentType(contentType: string | undefined): boolean {
  return ZIP_MEDIA_TYPES.includes((contentType ?? '').split(';', 1)[0]!.trim().toLowerCase());
}

/** Entries left out of an image dataset, with why; at most this many are listed. */
export const MAX_SKIPPED_LISTED = 100;

export interface ImageUpload {
  db: Database;
  store: ArtifactStore;
  maxBytes: number;
  projectId: string;
  name: string;
  source: Readable;
  limits?: Partial<ArchiveLimits>;
}

/** The dataset row, plus the entries that were not used (first {@link MAX_SKIPPED_LISTED}) and their count. */
export interface UploadedImageDataset<Row> {
  record: Row;
  skipped: { name: string; reason: string }[];
  skippedCount: number;
}

/** Stores, validates, profiles and records a ZIP image dataset (see the file comment). */
export async function uploadImageDataset(upload: ImageUpload) {
  const { db, store, projectId, name } = upload;
  const id = randomUUID();
  const artifactKey = `datasets/${projectId}/${id}.zip`;
  const written = await storeBounded(store, artifactKey, upload.source, upload.maxBytes);
  try {
    const archive = await readImageArchive(await store.read(artifactKey), upload.limits);
    const unsafe = archive.skipped.filter((s) => s.reason.startsWith('unsafe entry name'));
    // A name that tries to leave the archive's folder is an attack, not a mistake: refuse it all.
    if (unsafe.length > 0) throw new InvalidDatasetError(`The archive has ${unsafe.length} entry name(s) that are not safe relative paths (e.g. '${unsafe[0]!.name}').`, { unsafe: unsafe.slice(0, 20) });
    // Kept with the dataset, so it still says later what the upload answer said was left out.
    const skipped = { count: archive.skipped.length, entries: archive.skipped.slice(0, MAX_SKIPPED_LISTED) };
    const record = await recordDatasetVersion(db, { id, projectId, name, format: 'zip', artifactKey, rowCount: archive.images.length, columns: imageColumns(archive), sha256: written.sha256, sizeBytes: written.sizeBytes, skipped });
    return { record, skipped: skipped.entries, skippedCount: skipped.count };
  } catch (error) {
    await store.delete(artifactKey);
    throw error;
  }
}

/** The profile of an image dataset: the `image` column and the `label` column with every class count. */
export function imageColumns(archive: ImageArchive): ColumnProfile[] {
  const counts = new Map<string, number>();
  for (const image of archive.images) counts.set(image.label, (counts.get(image.label) ?? 0) + 1);
  const n = archive.images.length;
  return [
    { name: 'image', type: 'image', missing: 0, distinct: n, distinctApproximate: false },
    {
      name: 'label', type: 'categorical', missing: 0, distinct: counts.size, distinctApproximate: false,
      topValues: [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1)),
    },
  ];
}

/** Streams `source` into the store, failing with 413 past `maxBytes`; the store keeps nothing on failure. */
async function storeBounded(store: ArtifactStore, key: string, source: Readable, maxBytes: number) {
  let size = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > maxBytes) callback(new PayloadTooLargeError(maxBytes));
      else callback(null, chunk);
    },
  });
  // The store may not be listening yet when the limit trips (it creates its folder first):
  // the error is kept here and reported whatever the store's promise says.
  let failure: unknown;
  limiter.on('error', (error) => (failure ??= error));
  source.once('error', (error) => limiter.destroy(error));
  source.pipe(limiter);
  try {
    const written = await store.write(key, limiter);
    if (failure !== undefined) throw failure;
    return written;
  } catch (caught) {
    source.unpipe(limiter);
    // Whatever the store may have committed before the error surfaced goes too.
    await store.delete(key);
    const error = failure ?? caught;
    if (error instanceof DomainError) throw error;
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ERR_STREAM_PREMATURE_CLOSE' || (error as Error | undefined)?.name === 'AbortError' || source.destroyed) throw new UploadAbortedError(undefined, error);
    throw error;
  }
}
