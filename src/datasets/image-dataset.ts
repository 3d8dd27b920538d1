/**
 * Image datasets uploaded as a ZIP archive (`application/zip`): one folder per class, or the
 * same under one root folder. A ZIP's central directory sits at its end, so the archive is
 * profiled once the whole body is stored (src/datasets/upload.ts), by `readImageArchive`
 * (entry count, inflated sizes, compression ratio, unsafe names, non-image entries).
 */
import { InvalidDatasetError } from '../errors.ts';
import type { ColumnProfile } from './column-profile.ts';
import type { SkippedEntries } from './dataset-catalog.ts';
import { readImageArchive, type ArchiveLimits, type ImageArchive } from './image-archive.ts';

/** Entries left out of an image dataset, with why; at most this many are listed. */
export const MAX_SKIPPED_LISTED = 100;

/** What a ZIP image dataset records: one row per image, its columns, and the entries left out. */
export interface ImageDatasetProfile {
  rowCount: number;
  columns: ColumnProfile[];
  /** Kept with the dataset, so it still says later what the upload answer said was left out. */
  skipped: SkippedEntries;
}

/**
 * Reads and profiles a stored ZIP image dataset.
 * @throws InvalidDatasetError (400) for an unreadable archive, one without images, or one
 *   with an entry name that tries to leave the archive's folder; ArchiveLimitError (413).
 */
export async function profileImageArchive(
  zip: Uint8Array,
  limits?: Partial<ArchiveLimits>,
): Promise<ImageDatasetProfile> {
  const archive = await readImageArchive(zip, limits);
  const unsafe = archive.skipped.filter((s) => s.reason.startsWith('unsafe entry name'));
  // A name that tries to leave the archive's folder is an attack, not a mistake: refuse it all.
  if (unsafe.length > 0)
    throw new InvalidDatasetError(
      `The archive has ${unsafe.length} entry name(s) that are not safe relative paths (e.g. '${unsafe[0]!.name}').`,
      { unsafe: unsafe.slice(0, 20) },
    );
  return {
    rowCount: archive.images.length,
    columns: imageColumns(archive),
    skipped: { count: archive.skipped.length, entries: archive.skipped.slice(0, MAX_SKIPPED_LISTED) },
  };
}

/** The profile of an image dataset: the `image` column and the `label` column with every class count. */
export function imageColumns(archive: ImageArchive): ColumnProfile[] {
  const counts = new Map<string, number>();
  for (const image of archive.images) counts.set(image.label, (counts.get(image.label) ?? 0) + 1);
  const n = archive.images.length;
  return [
    { name: 'image', type: 'image', missing: 0, distinct: n, distinctApproximate: false },
    {
      name: 'label',
      type: 'categorical',
      missing: 0,
      distinct: counts.size,
      distinctApproximate: false,
      topValues: [...counts]
        .map(([value, count]) => ({ value, count }))
        .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1)),
    },
  ];
}
