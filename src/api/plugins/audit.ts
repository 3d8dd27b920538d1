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
  // The last of each route's send hooks, so it records the answer as it leaves (a duplicate
  // upload's idempotency hook may still turn a 201 into a replay or a 422) and never delays
  // the hooks before it: the answer waits for its record, nothing else does.
  const record = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const event = auditRecordOf(request, reply, payload);
    if (!event) return payload;
    const written = recordAuditEvent(opts.db, event).catch((error: unknown) =>
      opts.logger.error({ err: error, audit: event }, 'could not record an audit event'),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([written, new Promise((resolve) => (timer = setTimeout(resolve, RECORD_WAIT_MS)))]);
    clearTimeout(timer);
    return payload;
  };
  app.addHook('onRoute', (route) => {
    route.onSend = [...toArray(route.onSend), record];
  });
});

/** What to record of a request, or undefined when it is not audited. */
function auditRecordOf(request: FastifyRequest, reply: FastifyReply, payload: unknown): AuditRecord | undefined {
  if (request.is404 || !request.routeOptions.url) return undefined;
  const status = reply.statusCode;
  const authFailure = status === 401 || status === 403;
  const prediction = request.routeOptions.config?.auth === 'predict';
  const audited = authFailure || (STATE_CHANGING.has(request.method) && !prediction);
  if (!audited || request.routeOptions.config?.auth === 'public') return undefined;

  const action = auditAction(request.method, request.routeOptions.url);
  const success = status < 400;
  const resourceId = (success && request.method === 'POST' ? createdId(payload) : undefined) ?? paramsId(request);
  return {
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
}

function toArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
