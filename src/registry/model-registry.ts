import type { Database } from '../db/client.ts';
import { Prisma } from '../db/client.ts';
import { NotFoundError } from '../errors.ts';

/**
 * What names a model's version: a number, an alias, or the default (the `production` alias
 * when set, else the newest version).
 */
export type VersionRef = { version: number } | { alias: string } | { latest: true };

export type Tx = Parameters<Parameters<Database['$transaction']>[0]>[0];

export async function findModel(db: Database | Tx, projectId: string, name: string) {
  const model = await db.model.findUnique({ where: { projectId_name: { projectId, name } } });
  if (!model) throw new NotFoundError('Model', name);
  return model;
}

/**
 * Alias moves (src/registry/alias-routing.ts) on one model queue on its row lock while holding a pooled connection; under a
 * burst of moves (and a loaded machine) Prisma's default 2 s wait for a transaction would turn
 * that queue into errors, so these short transactions may wait longer.
 */
export const serialisedTransaction = { maxWait: 15_000, timeout: 15_000 } as const;

/** Takes the model's row lock so alias moves on one model happen one at a time. */
export async function lockModel(tx: Tx, modelId: string): Promise<void> {
  await tx.$executeRaw`SELECT 1 FROM "Model" WHERE id = ${modelId} FOR UPDATE`;
}

export async function deleteAlias(db: Database, projectId: string, name: string, alias: string) {
  return db.$transaction(async (tx) => {
    const model = await findModel(tx, projectId, name);
    await lockModel(tx, model.id);
    const current = await tx.modelAlias.findUnique({
      where: { modelId_alias: { modelId: model.id, alias } },
      include: { version: true },
    });
    if (!current) throw new NotFoundError(`Alias of model '${name}'`, alias);
    await tx.modelAlias.delete({ where: { id: current.id } });
    await tx.aliasEvent.create({
      data: {
        modelId: model.id,
        alias,
        fromVersion: current.version.version,
        toVersion: null,
        fromRouting: current.routing ?? Prisma.DbNull,
      },
    });
    return { alias, version: null, previousVersion: current.version.version, split: null, shadow: null };
  }, serialisedTransaction);
}

export async function aliasHistory(db: Database, projectId: string, name: string, alias: string) {
  const model = await findModel(db, projectId, name);
  return db.aliasEvent.findMany({ where: { modelId: model.id, alias }, orderBy: { seq: 'desc' }, take: 200 });
}
