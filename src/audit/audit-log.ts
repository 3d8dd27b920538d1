import type { Database } from '../db/client.ts';
import { ValidationError } from '../errors.ts';

/** Who acted: an API key, the operator's admin token, nobody identified, or a background job. */
export type AuditActor =
  { type: 'key'; keyId: string } | { type: 'admin' } | { type: 'anonymous' } | { type: 'system' };

export type AuditOutcome = 'success' | 'failure';

/** One entry of the audit trail, as it is recorded. */
export interface AuditRecord {
  projectId: string | null;
  actor: AuditActor;
  /** e.g. `datasets.create`, `models.versions.delete`, `projects.erasure.completed`. */
  action: string;
  resourceId?: string | null;
  method?: string;
  path?: string;
  statusCode?: number;
  outcome: AuditOutcome;
  requestId?: string;
  clientAddress?: string;
}

/**
 * Appends one event. Rows are never changed afterwards: the database refuses it (see the
 * migration). Takes a transaction too, so a job's state change and its record commit together.
 */
export async function recordAuditEvent(db: Pick<Database, 'auditEvent'>, record: AuditRecord): Promise<void> {
  await db.auditEvent.create({
    data: {
      projectId: record.projectId,
      actorType: record.actor.type,
      actorId: record.actor.type === 'key' ? record.actor.keyId : null,
      action: record.action,
      resourceId: record.resourceId ?? null,
      method: record.method ?? null,
      path: record.path ?? null,
      statusCode: record.statusCode ?? null,
      outcome: record.outcome,
      requestId: record.requestId ?? null,
      clientAddress: record.clientAddress ?? null,
    },
  });
}

export interface AuditQuery {
  /** One project's events; undefined: every project's (the operator's view). */
  projectId?: string;
  limit: number;
  /** The id of the last event of the previous page. */
  cursor?: string;
  action?: string;
  outcome?: AuditOutcome;
  /** `admin`, `anonymous`, `system`, or an API key id. */
  actor?: string;
  since?: Date;
  until?: Date;
}

const ACTOR_TYPES = new Set(['admin', 'anonymous', 'system']);

/**
 * A page of events, newest first. The cursor is an event id and must be an event of the same
 * view: another project's event id is refused (400), so a cursor cannot probe what exists
 * elsewhere.
 */
export async function listAuditEvents(db: Database, query: AuditQuery) {
  const scope = query.projectId === undefined ? {} : { projectId: query.projectId };
  let before: bigint | undefined;
  if (query.cursor !== undefined) {
    const anchor = await db.auditEvent.findFirst({ where: { id: query.cursor, ...scope }, select: { seq: true } });
    if (!anchor)
      throw new ValidationError('The cursor is not a page position of this audit log.', [
        { path: 'querystring.cursor', message: 'is not a cursor of this list' },
      ]);
    before = anchor.seq;
  }
  const rows = await db.auditEvent.findMany({
    where: {
      ...scope,
      ...(before !== undefined ? { seq: { lt: before } } : {}),
      ...(query.action ? { action: query.action } : {}),
      ...(query.outcome ? { outcome: query.outcome } : {}),
      ...(query.actor
        ? ACTOR_TYPES.has(query.actor)
          ? { actorType: query.actor }
          : { actorType: 'key', actorId: query.actor }
        : {}),
      ...(query.since || query.until
        ? { createdAt: { ...(query.since ? { gte: query.since } : {}), ...(query.until ? { lt: query.until } : {}) } }
        : {}),
    },
    orderBy: { seq: 'desc' },
    take: query.limit + 1,
  });
  const items = rows.slice(0, query.limit);
  return { items, nextCursor: rows.length > query.limit ? items[items.length - 1]!.id : null };
}

/** Rows deleted per statement, so a sweep of a large backlog holds no long lock and a crash loses little. */
const SWEEP_BATCH = 5_000;

/**
 * Deletes events older than `retentionDays`, in batches. Each batch is its own transaction
 * that opens the append-only trigger's one door (a transaction-local setting), so a crash
 * mid-sweep leaves whole batches done and the next sweep carries on: idempotent by its
 * condition alone.
 */
export async function sweepAuditEvents(db: Database, retentionDays: number, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  let swept = 0;
  for (;;) {
    const deleted = await db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config('maas.audit_retention_sweep', 'on', true)`;
      return tx.$executeRaw`
        DELETE FROM "AuditEvent" WHERE id IN (
          SELECT id FROM "AuditEvent" WHERE "createdAt" < ${cutoff} ORDER BY "createdAt" LIMIT ${SWEEP_BATCH})`;
    });
    swept += deleted;
    if (deleted < SWEEP_BATCH) return swept;
  }
}
