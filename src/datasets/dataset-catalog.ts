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
 * Checks, in the transaction that records a dataset, that the project may keep it (quotas);
 * throwing refuses it and nothing is recorded.
 */
export type AdmitDataset = (tx: Prisma.TransactionClient, sizeBytes: number) => Promise<void>;

/**
 * Records an ingested dataset as the next version of its name, once `admit` (if any) lets it in. Two uploads of one name
 * racing each other both succeed: the loser of the unique (project, name, version) key
 * simply takes the following number.
 */
export async function recordDatasetVersion(db: Database, input: NewDatasetVersion, admit?: AdmitDataset) {
  for (let attempt = 0; ; attempt++) {
    const create = async (tx: Prisma.TransactionClient) => {
      const latest = await tx.dataset.aggregate({
        where: { projectId: input.projectId, name: input.name },
        _max: { version: true },
      });
      return tx.dataset.create({
        data: {
          ...input,
          version: (latest._max.version ?? 0) + 1,
          sizeBytes: BigInt(input.sizeBytes),
          columns: input.columns as unknown as Prisma.InputJsonValue,
          skipped: input.skipped as unknown as Prisma.InputJsonValue | undefined,
        },
      });
    };
    try {
      if (!admit) return await create(db);
      return await db.$transaction(async (tx) => {
        await admit(tx, input.sizeBytes);
        return create(tx);
      });
    } catch (error) {
      const unique = error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
      if (!unique || attempt >= 20) throw error;
    }
  }
}

/** What a dataset list shows of the columns: how many, and the first few names and types. */
export interface ColumnSummary {
  columnCount: number;
  columns: { name: string; type: ColumnProfile['type'] }[];
}

/**
 * A page of a project's datasets without their column profiles, which can run to megabytes
 * each for wide data: PostgreSQL reduces them to names and types (the first `maxColumns`), so
 * neither the query nor the answer carries the profiles.
 */
export async function listDatasetSummaries(
  db: Database,
  where: { projectId: string; name?: string },
  page: Pick<Prisma.DatasetFindManyArgs, 'take' | 'cursor' | 'skip' | 'orderBy'>,
  maxColumns: number,
) {
  const rows = await db.dataset.findMany({ where, omit: { columns: true }, ...page });
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const summaries = await db.$queryRaw<({ id: string } & ColumnSummary)[]>`
    SELECT d."id", jsonb_array_length(d."columns") AS "columnCount",
      COALESCE((
        SELECT jsonb_agg(jsonb_build_object('name', c.value->'name', 'type', c.value->'type') ORDER BY c.ord)
        FROM jsonb_array_elements(d."columns") WITH ORDINALITY AS c(value, ord)
        WHERE c.ord <= ${maxColumns}
      ), '[]'::jsonb) AS "columns"
    FROM "Dataset" d WHERE d."id" = ANY(${ids}::text[])`;
  const byId = new Map(summaries.map((summary) => [summary.id, summary]));
  return rows.map((row) => {
    const summary = byId.get(row.id);
    return { ...row, columnCount: Number(summary?.columnCount ?? 0), columns: summary?.columns ?? [] };
  });
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
