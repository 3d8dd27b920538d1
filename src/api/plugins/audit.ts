import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { auditAction } from '../../audit/audit-action.ts';
import { recordAuditEvent, type AuditActor, type AuditRecord } from '../../audit/audit-log.ts';
import type { Database } from '../../db/client.ts';
import type { Logger } from '../../logger.ts';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Answers bigger than this are not parsed for the created resource's id. */
const MAX_PARSED_BYTES = 1024 * 1024;
/**
 * How long an answer waits for its audit record. The record is normally written before the
 * answer leaves (a client reading the log next finds it); when PostgreSQL is slow the answer
 * goes anyway and the write finishes behind it.
 */
const RECORD_WAIT_MS = 1_000;

export interface AuditPluginOptions {
  db: Database;
  logger: Logger;
}

function actorOf(request: FastifyRequest): AuditActor {
  const principal = request.principal;
  if (principal?.kind === 'key') return { type: 'key', keyId: principal.keyId };
  if (principal?.kind === 'admin') return { type: 'admin' };
  return { type: 'anonymous' };
}

/** The id a create answered with (`{"id": ...}`), when the answer is JSON and small. */
function createdId(payload: unknown): string | undefined {
  if (typeof payload !== 'string' || payload.length > MAX_PARSED_BYTES || !payload.startsWith('{')) return undefined;
  try {
    const id = (JSON.parse(payload) as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The route's path parameters, in order, as one id (`iris/3` for a model's version). */
function paramsId(request: FastifyRequest): string | undefined {
  const values = Object.values((request.params ?? {}) as Record<string, unknown>).map(String);
  return values.length ? values.join('/') : undefined;
}

/** A route's project: the key's, or for the operator the project the URL names (`/projects/:id`). */
function projectOfRequest(request: FastifyRequest, resourceId: string | undefined, action: string): string | null {
  const principal = request.principal;
  if (principal?.kind === 'key') return principal.projectId;
  const url = request.routeOptions.url ?? '';
  const params = (request.params ?? {}) as Record<string, unknown>;
  if (/\/projects\/:id(\/|$)/.test(url) && typeof params.id === 'string') return params.id;
  if (action === 'projects.create' && resourceId) return resourceId;
  return null;
}

/**
 * Records every state-changing request (POST, PUT, PATCH, DELETE) and every authentication
 * failure (401, 403) in the audit log, for every route, including routes added later: the
 * action is derived from the route's URL (see auditAction). Prediction routes (those needing
 * the `predict` scope) change no state: only their authentication failures are recorded, so
 * a prediction never waits on the audit log. Requests to unknown routes are not recorded.
 */
export const auditPlugin = fp(async function auditPlugin(app: FastifyInstance, opts: AuditPluginOptions) {
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (request.is404 || !request.routeOptions.url) return payload;
    const status = reply.statusCode;
    const authFailure = status === 401 || status === 403;
    const prediction = request.routeOptions.config?.auth === 'predict';
    const audited = authFailure || (STATE_CHANGING.has(request.method) && !prediction);
    if (!audited || request.routeOptions.config?.auth === 'public') return payload;

    const action = auditAction(request.method, request.routeOptions.url);
    const success = status < 400;
    const resourceId = (success && request.method === 'POST' ? createdId(payload) : undefined) ?? paramsId(request);
    const record: AuditRecord = {
      projectId: projectOfRequest(request, resourceId, action),
      actor: actorOf(request),
      action,
      resourceId: resourceId ?? null,
      method: request.method,
      path: request.url.split('?')[0],
      statusCode: status,
      outcome: success ? 'success' : 'failure',
      requestId: request.id,
      clientAddress: request.ip,
    };
    const written = recordAuditEvent(opts.db, record).catch((error: unknown) =>
      opts.logger.error({ err: error, audit: record }, 'could not record an audit event'),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([written, new Promise((resolve) => (timer = setTimeout(resolve, RECORD_WAIT_MS)))]);
    clearTimeout(timer);
    return payload;
  });
});
