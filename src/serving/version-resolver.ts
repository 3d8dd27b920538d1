import type { Database } from '../db/client.ts';
import { predictionPathStatement } from '../db/sql.ts';
import { NotFoundError } from '../errors.ts';
import type { AliasRouting } from '../registry/alias-routing.ts';
import type { VersionRef } from '../registry/model-registry.ts';

/** The exact version a request is served by. */
export interface ResolvedVersion {
  /** The immutable version id: the model cache's key. */
  versionId: string;
  model: string;
  version: number;
  modelId: string;
  /** Share of the model's predictions logged (0: none). */
  logSampleRate: number;
  /** The alias's split and shadow, when the request named a routed alias (or the routed default). */
  routing: AliasRouting | null;
}

interface Row {
  model: string;
  modelId: string;
  logSampleRate: number;
  routing: AliasRouting | null;
  versionId: string | null;
  version: number | null;
  aliasVersionId: string | null;
}

const BY_NUMBER = predictionPathStatement(
  `SELECT m.name AS model, m.id AS "modelId", m."logSampleRate", NULL::jsonb AS routing,
    v.id AS "versionId", v.version, NULL AS "aliasVersionId"
  FROM "Model" m LEFT JOIN "ModelVersion" v ON v."modelId" = m.id AND v.version = $1
  WHERE m."projectId" = $2 AND m.name = $3`,
  [0, '', ''],
);

// The alias's version when set; for the bare model path ($2), the newest version otherwise.
const BY_ALIAS = predictionPathStatement(
  `SELECT m.name AS model, m.id AS "modelId", m."logSampleRate", a.routing,
    COALESCE(av.id, nv.id) AS "versionId", COALESCE(av.version, nv.version) AS version, av.id AS "aliasVersionId"
  FROM "Model" m
  LEFT JOIN "ModelAlias" a ON a."modelId" = m.id AND a.alias = $1
  LEFT JOIN "ModelVersion" av ON av.id = a."versionId"
  LEFT JOIN LATERAL (
    SELECT id, version FROM "ModelVersion" WHERE "modelId" = m.id AND $2::boolean ORDER BY version DESC LIMIT 1
  ) nv ON true
  WHERE m."projectId" = $3 AND m.name = $4`,
  ['', true, '', ''],
);

/**
 * Resolves a version reference in one round trip to PostgreSQL: a number, an alias, or (the
 * bare model path) the `production` alias when set, else the newest version. One query rather
 * than a Prisma query per step (model, alias, version), which were a measurable share of a
 * single-row prediction's latency, sent by the pool's own SQL (src/db/sql.ts).
 */
export async function resolveServedVersion(
  db: Database,
  projectId: string,
  name: string,
  ref: VersionRef,
): Promise<ResolvedVersion> {
  let rows: Row[];
  if ('version' in ref) {
    rows = await db.sql.rows<Row>(BY_NUMBER, [ref.version, projectId, name]);
  } else {
    const alias = 'alias' in ref ? ref.alias : 'production';
    rows = await db.sql.rows<Row>(BY_ALIAS, [alias, !('alias' in ref), projectId, name]);
  }
  const row = rows[0];
  if (row === undefined) throw new NotFoundError('Model', name);
  if (row.versionId === null || row.version === null) {
    if ('version' in ref) throw new NotFoundError(`Version of model '${name}'`, String(ref.version));
    if ('alias' in ref) throw new NotFoundError(`Alias of model '${name}'`, ref.alias);
    throw new NotFoundError(`Version of model '${name}'`, 'latest');
  }
  return {
    versionId: row.versionId,
    model: row.model,
    version: Number(row.version),
    modelId: row.modelId,
    logSampleRate: Number(row.logSampleRate),
    routing: row.routing,
  };
}
