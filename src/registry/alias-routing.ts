import type { Database } from '../db/client.ts';
import { Prisma } from '../db/client.ts';
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../errors.ts';
import { inputSchemaDigest } from './input-schema-digest.ts';
import { findModel, lockModel, serialisedTransaction } from './model-registry.ts';

/** A version an alias routes to, by its immutable id (the model cache's key) and its number. */
export interface RoutedVersion {
  versionId: string;
  version: number;
}

/**
 * What an alias serves besides a single version: a weighted split of its traffic and/or a
 * shadow version that receives a copy of every request. Stored on the alias row, so a move is
 * one row update (atomic) and the resolver reads it in the same query as the alias.
 */
export interface AliasRouting {
  split: (RoutedVersion & { weight: number })[] | null;
  shadow: RoutedVersion | null;
}

/** Where a move sends an alias: one version, or a weighted split; either with a shadow or none. */
export type AliasTarget =
  | { version: number; shadow?: number | null }
  | { versions: { version: number; weight: number }[]; shadow?: number | null };

/** The alias as moves answer it. */
export interface AliasMove {
  alias: string;
  version: number | null;
  previousVersion: number | null;
  split: { version: number; weight: number }[] | null;
  shadow: number | null;
}

export const MAX_SPLIT_VERSIONS = 10;

/** The split as the API shows it: version numbers and weights. */
export function publicSplit(routing: AliasRouting | null): AliasMove['split'] {
  return routing?.split?.map(({ version, weight }) => ({ version, weight })) ?? null;
}

function checkTarget(target: AliasTarget): { version: number; weight: number }[] {
  const entries = 'versions' in target ? target.versions : [{ version: target.version, weight: 1 }];
  if (entries.length === 0 || entries.length > MAX_SPLIT_VERSIONS)
    throw new ValidationError(`A split names 1 to ${MAX_SPLIT_VERSIONS} versions; got ${entries.length}.`, [
      { path: 'body.versions', message: 'wrong number of versions' },
    ]);
  const seen = new Set<number>();
  entries.forEach((entry, i) => {
    if (seen.has(entry.version))
      throw new ValidationError(`Version ${entry.version} appears twice in the split.`, [
        { path: `body.versions.${i}.version`, message: 'duplicate version' },
      ]);
    seen.add(entry.version);
  });
  if (!entries.some((entry) => entry.weight > 0))
    throw new ValidationError('At least one version of a split needs a positive weight.', [
      { path: 'body.versions', message: 'all weights are 0' },
    ]);
  if (target.shadow != null && seen.has(target.shadow))
    throw new ValidationError(`The shadow version ${target.shadow} also serves answers in the split.`, [
      { path: 'body.shadow', message: 'is in the split' },
    ]);
  return entries;
}

/**
 * Moves an alias to a version or a weighted split (with or without a shadow), recording the
 * move. Refused (422) unless every version involved has the alias's model task and the same
 * input schema: whichever version serves a request, the caller's contract stays the same.
 * Moves on one model are serialised by its row lock (see setAlias).
 */
export async function moveAlias(
  db: Database,
  projectId: string,
  name: string,
  alias: string,
  target: AliasTarget,
): Promise<AliasMove> {
  const entries = checkTarget(target);
  const shadowNumber = target.shadow ?? null;
  return db.$transaction(async (tx) => {
    const model = await findModel(tx, projectId, name);
    await lockModel(tx, model.id);
    const numbers = [...entries.map((e) => e.version), ...(shadowNumber === null ? [] : [shadowNumber])];
    const rows = await tx.modelVersion.findMany({
      where: { modelId: model.id, version: { in: numbers } },
      select: { id: true, version: true, task: true, inputSchema: true },
    });
    const byNumber = new Map(rows.map((row) => [row.version, row]));
    for (const number of numbers)
      if (!byNumber.has(number)) throw new NotFoundError(`Version of model '${name}'`, String(number));
    const first = byNumber.get(numbers[0]!)!;
    const digest = inputSchemaDigest(first.inputSchema);
    for (const number of numbers.slice(1)) {
      const row = byNumber.get(number)!;
      if (row.task !== first.task || inputSchemaDigest(row.inputSchema) !== digest)
        throw new UnprocessableError(
          'alias_versions_incompatible',
          `Versions ${first.version} and ${row.version} of '${name}' differ in task or input schema; ` +
            'the versions behind one alias must read and answer requests alike.',
          [{ path: 'body', message: `version ${row.version} has another input schema or task` }],
        );
    }
    // The heaviest version is the alias's `version` (what the model's `aliases` map shows).
    const primaryEntry = entries.reduce((best, entry) => (entry.weight > best.weight ? entry : best));
    const primary = byNumber.get(primaryEntry.version)!;
    const split =
      entries.length > 1
        ? entries.map((e) => ({ versionId: byNumber.get(e.version)!.id, version: e.version, weight: e.weight }))
        : null;
    const shadowRow = shadowNumber === null ? null : byNumber.get(shadowNumber)!;
    const routing: AliasRouting | null =
      split || shadowRow
        ? { split, shadow: shadowRow ? { versionId: shadowRow.id, version: shadowRow.version } : null }
        : null;
    const current = await tx.modelAlias.findUnique({
      where: { modelId_alias: { modelId: model.id, alias } },
      include: { version: { select: { version: true } } },
    });
    const currentRouting = (current?.routing ?? null) as AliasRouting | null;
    const json = (value: AliasRouting | null) =>
      value === null ? Prisma.DbNull : (value as unknown as Prisma.InputJsonValue);
    if (current?.versionId !== primary.id || JSON.stringify(currentRouting) !== JSON.stringify(routing)) {
      await tx.modelAlias.upsert({
        where: { modelId_alias: { modelId: model.id, alias } },
        create: { modelId: model.id, alias, versionId: primary.id, routing: json(routing) },
        update: { versionId: primary.id, routing: json(routing) },
      });
      await tx.aliasEvent.create({
        data: {
          modelId: model.id,
          alias,
          fromVersion: current?.version.version ?? null,
          toVersion: primary.version,
          fromRouting: json(currentRouting),
          toRouting: json(routing),
        },
      });
    }
    return {
      alias,
      version: primary.version,
      previousVersion: current?.version.version ?? null,
      split: publicSplit(routing),
      shadow: shadowRow?.version ?? null,
    };
  }, serialisedTransaction);
}

/** The target that restores a recorded routing (rollbacks), or the single version when it had none. */
export function targetOf(version: number, routing: AliasRouting | null): AliasTarget {
  const shadow = routing?.shadow?.version ?? null;
  if (routing?.split) return { versions: publicSplit(routing)!, shadow };
  return { version, shadow };
}

/** Moves the alias back to where it pointed (version, split and shadow) before its latest move. */
export async function rollbackAlias(db: Database, projectId: string, name: string, alias: string) {
  const model = await findModel(db, projectId, name);
  const last = await db.aliasEvent.findFirst({ where: { modelId: model.id, alias }, orderBy: { seq: 'desc' } });
  if (!last) throw new NotFoundError(`Alias of model '${name}'`, alias);
  if (last.fromVersion === null)
    throw new ConflictError('nothing_to_roll_back', `Alias '${alias}' has no earlier version to return to.`);
  return moveAlias(db, projectId, name, alias, targetOf(last.fromVersion, last.fromRouting as AliasRouting | null));
}

/** The alias as it is now: its version, split and shadow. */
export async function describeAlias(db: Database, projectId: string, name: string, alias: string): Promise<AliasMove> {
  const model = await findModel(db, projectId, name);
  const row = await db.modelAlias.findUnique({
    where: { modelId_alias: { modelId: model.id, alias } },
    include: { version: { select: { version: true } } },
  });
  if (!row) throw new NotFoundError(`Alias of model '${name}'`, alias);
  const routing = row.routing as AliasRouting | null;
  return {
    alias,
    version: row.version.version,
    previousVersion: null,
    split: publicSplit(routing),
    shadow: routing?.shadow?.version ?? null,
  };
}
