import type { Database } from '../db/client.ts';
import { Prisma } from '../db/client.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import type { ColumnProfile } from './column-profile.ts';

export interface NewDatasetVersion {
  id: string;
  projectId: string;
  name: string;
  format: string;
  rowCount: number;
  sizeBytes: number;
  sha256: string;
  columns: ColumnProfile[];
  artifactKey: string;
  /** ZIP image datasets: the entries left out (the first few, with why) and how many in all. */
  skipped?: SkippedEntries;
}

/**
 * Where a dataset's file is kept in the artifact store: `datasets/<project>/<id>.<format>`.
 * Every dataset key is built here; a project's datasets share the `datasets/<project>/` folder.
 */
export function datasetArtifactKey(projectId: string, id: string, format: string): string {
  return `datasets/${projectId}/${id}.${format}`;
}

/** What `Dataset.skipped` holds. */
export interface SkippedEntries {
  count: number;
  entries: { name: string; reason: string }[];
}

/**
 * Records an ingested dataset as the next version of its name. Two uploads of one name
 * racing each other both succeed: the loser of the unique (project, name, version) key
 * simply takes the following number.
 */
export async function recordDatasetVersion(db: Database, input: NewDatasetVersion) {
  for (let attempt = 0; ; attempt++) {
    const latest = await db.dataset.aggregate({
      where: { projectId: input.projectId, name: input.name },
      _max: { version: true },
    });
    try {
      return await db.dataset.create({
        data: {
          ...input,
          version: (latest._max.version ?? 0) + 1,
          sizeBytes: BigInt(input.sizeBytes),
          columns: input.columns as unknown as Prisma.InputJsonValue,
          skipped: input.skipped as unknown as Prisma.InputJsonValue | undefined,
        },
      });
    } catch (error) {
      const unique = error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
      if (!unique || attempt >= 20) throw error;
    }
  }
}

export async function getDataset(db: Database, projectId: string, id: string) {
  const dataset = await db.dataset.findFirst({ where: { id, projectId } });
  if (!dataset) throw new NotFoundError('Dataset', id);
  return dataset;
}

/**
 * Deletes metadata and bytes; refused while a model version or an unfinished job uses the
 * dataset. The dataset's row is locked before the uses are counted: a job or version being
 * recorded against it at that moment holds the foreign key's share lock, so the count waits
 * for it and sees it, and one recorded after finds the dataset gone (see submission.ts).
 * Without the lock a job inserted between the count and the delete lost its dataset.
 */
export async function deleteDataset(db: Database, store: ArtifactStore, projectId: string, id: string) {
  const dataset = await getDataset(db, projectId, id);
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM "Dataset" WHERE id = ${id} FOR UPDATE`;
    const versions = await tx.modelVersion.count({ where: { datasetId: id } });
    const activeJobs = await tx.trainingJob.count({ where: { datasetId: id, status: { in: ['queued', 'running'] } } });
    if (versions > 0)
      throw new ConflictError(
        'dataset_in_use',
        `Dataset '${id}' is the lineage of ${versions} model version(s) and cannot be deleted.`,
      );
    if (activeJobs > 0)
      throw new ConflictError('dataset_in_use', `Dataset '${id}' is used by ${activeJobs} unfinished training job(s).`);
    // deleteMany: a concurrent deletion of the same dataset already removed it, which is no error.
    await tx.dataset.deleteMany({ where: { id } });
  });
  await store.delete(dataset.artifactKey);
  return dataset;
}
