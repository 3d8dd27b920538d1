import type { Database } from '../db/client.ts';
import { Prisma } from '../db/client.ts';
import type { AliasRouting } from './alias-routing.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { findModel, lockModel, serialisedTransaction, type Tx } from './model-registry.ts';

export interface ErasedVersions {
  model: string;
  /** The version numbers deleted. */
  versions: number[];
  /** Their ids: the keys of every cache of loaded or resolved versions. */
  versionIds: string[];
  /** Aliases that pointed at them and were removed (forced deletes only). */
  removedAliases: string[];
}

type VersionRow = { id: string; version: number; artifactKey: string; aliases: { id: string; alias: string }[] };

/**
 * Removes versions and, when `force`, the aliases that point at them (each removal recorded in
 * the alias history like any other move). Refused while an alias points at one unless forced:
 * a production alias silently losing its model is not a thing to do by accident.
 */
async function removeVersions(
  tx: Tx,
  model: { id: string; name: string },
  rows: VersionRow[],
  force: boolean,
): Promise<string[]> {
  // An alias whose split or shadow routes to a deleted version counts as pointing at it.
  const gone = new Map(rows.map((row) => [row.id, row]));
  const routed = await tx.modelAlias.findMany({
    where: { modelId: model.id, NOT: { routing: { equals: Prisma.DbNull } } },
    select: { id: true, alias: true, versionId: true, routing: true },
  });
  for (const alias of routed) {
    const routing = alias.routing as AliasRouting | null;
    const ids = [...(routing?.split ?? []).map((s) => s.versionId), routing?.shadow?.versionId];
    const hit = ids.map((id) => (id === undefined ? undefined : gone.get(id))).find((row) => row !== undefined);
    if (hit && !hit.aliases.some((a) => a.id === alias.id) && !gone.has(alias.versionId)) hit.aliases.push(alias);
  }
  const aliased = rows.filter((row) => row.aliases.length > 0);
  if (aliased.length && !force) {
    const names = aliased.flatMap((row) => row.aliases.map((a) => `'${a.alias}' -> ${row.version}`)).join(', ');
    throw new ConflictError(
      'version_aliased',
      `Model '${model.name}' has aliases pointing at the version(s) to delete (${names}); ` +
        'move or delete the aliases first, or pass ?force=true to remove them too.',
    );
  }
  const removed: string[] = [];
  for (const row of aliased) {
    for (const alias of row.aliases) {
      await tx.modelAlias.delete({ where: { id: alias.id } });
      await tx.aliasEvent.create({
        data: { modelId: model.id, alias: alias.alias, fromVersion: row.version, toVersion: null },
      });
      removed.push(alias.alias);
    }
  }
  await tx.modelVersion.deleteMany({ where: { id: { in: rows.map((row) => row.id) } } });
  return removed;
}

/**
 * Deletes the artifacts of deleted versions. Runs after the rows are gone; a crash in between
 * leaves files the periodic artifact sweep removes (their job is finished and has no version).
 */
async function deleteArtifacts(store: ArtifactStore, rows: VersionRow[]): Promise<void> {
  for (const row of rows) await store.deletePrefix(row.artifactKey);
}

const versionSelect = {
  id: true,
  version: true,
  artifactKey: true,
  aliases: { select: { id: true, alias: true } },
} as const;

/** Deletes one version of a model: its row, its artifact, and (forced) the aliases on it. */
export async function deleteModelVersion(
  db: Database,
  store: ArtifactStore,
  projectId: string,
  name: string,
  versionNumber: number,
  opts: { force: boolean },
): Promise<ErasedVersions> {
  const { row, removedAliases } = await db.$transaction(async (tx) => {
    const model = await findModel(tx, projectId, name);
    await lockModel(tx, model.id);
    const row = await tx.modelVersion.findUnique({
      where: { modelId_version: { modelId: model.id, version: versionNumber } },
      select: versionSelect,
    });
    if (!row) throw new NotFoundError(`Version of model '${name}'`, String(versionNumber));
    return { row, removedAliases: await removeVersions(tx, model, [row], opts.force) };
  }, serialisedTransaction);
  await deleteArtifacts(store, [row]);
  return { model: name, versions: [row.version], versionIds: [row.id], removedAliases };
}

/**
 * Deletes a model with every version, alias and alias event. Refused while one of the
 * project's training jobs for this model name is queued or running (it would register a
 * version of the deleted model) and, unless forced, while an alias points at a version.
 */
export async function deleteModel(
  db: Database,
  store: ArtifactStore,
  projectId: string,
  name: string,
  opts: { force: boolean },
): Promise<ErasedVersions> {
  const { rows, removedAliases } = await db.$transaction(async (tx) => {
    const model = await findModel(tx, projectId, name);
    await lockModel(tx, model.id);
    const training = await tx.trainingJob.count({
      where: { projectId, modelName: name, status: { in: ['queued', 'running'] } },
    });
    if (training > 0)
      throw new ConflictError(
        'model_training_in_progress',
        `Model '${name}' has ${training} queued or running training job(s); cancel them or wait before deleting it.`,
      );
    const rows = await tx.modelVersion.findMany({ where: { modelId: model.id }, select: versionSelect });
    const removedAliases = await removeVersions(tx, model, rows, opts.force);
    // Aliases and their history go with the model (cascade).
    await tx.model.delete({ where: { id: model.id } });
    return { rows, removedAliases };
  }, serialisedTransaction);
  await deleteArtifacts(store, rows);
  return {
    model: name,
    versions: rows.map((row) => row.version).sort((a, b) => a - b),
    versionIds: rows.map((row) => row.id),
    removedAliases,
  };
}
