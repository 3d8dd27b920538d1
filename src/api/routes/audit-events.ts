import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listAuditEvents } from '../../audit/audit-log.ts';
import type { Deps } from '../../deps.ts';
import { ValidationError } from '../../errors.ts';
import { errorResponses, pageOf } from '../schemas/common.ts';

const auditEventSchema = z
  .object({
    id: z.string(),
    at: z.iso.datetime(),
    projectId: z.string().nullable(),
    actor: z.object({
      type: z.enum(['key', 'admin', 'anonymous', 'system']),
      keyId: z.string().nullable().describe('The API key, when `type` is `key`'),
    }),
    action: z.string().describe('Derived from the route, e.g. `datasets.create`, `models.versions.delete`'),
    resourceId: z.string().nullable(),
    method: z.string().nullable(),
    path: z.string().nullable(),
    statusCode: z.number().int().nullable(),
    outcome: z.enum(['success', 'failure']),
    requestId: z.string().nullable(),
    clientAddress: z.string().nullable(),
  })
  .meta({ id: 'AuditEvent' });

const auditQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.uuid().optional().describe('The `nextCursor` of the previous page'),
    action: z.string().max(200).optional(),
    outcome: z.enum(['success', 'failure']).optional(),
    actor: z.string().max(100).optional().describe('`admin`, `anonymous`, `system`, or an API key id'),
    since: z.iso.datetime().optional(),
    until: z.iso.datetime().optional(),
    projectId: z.uuid().optional().describe('Admin token only: one project of the operator view'),
  })
  .strict();

type EventRow = Awaited<ReturnType<typeof listAuditEvents>>['items'][number];
const toAuditEvent = (row: EventRow) => ({
  id: row.id,
  at: row.createdAt.toISOString(),
  projectId: row.projectId,
  actor: { type: row.actorType as 'key' | 'admin' | 'anonymous' | 'system', keyId: row.actorId },
  action: row.action,
  resourceId: row.resourceId,
  method: row.method,
  path: row.path,
  statusCode: row.statusCode,
  outcome: row.outcome as 'success' | 'failure',
  requestId: row.requestId,
  clientAddress: row.clientAddress,
});

export const auditEventRoutes: FastifyPluginAsyncZod<{ deps: Deps }> = async (app, { deps: { db } }) => {
  app.get(
    '/v1/audit-events',
    {
      config: { auth: 'admin-or-project-admin' },
      schema: {
        tags: ['audit'],
        summary:
          "The project's audit trail, newest first (a key with the admin scope; the admin token sees every project)",
        description:
          'Every state-changing request and every authentication failure, with who, what, which resource, ' +
          'the outcome, the request id and the client address. A cursor is valid only in the list it came from.',
        querystring: auditQuery,
        response: { 200: pageOf(auditEventSchema), ...errorResponses(400) },
      },
    },
    async (request) => {
      const { projectId, since, until, ...rest } = request.query;
      const principal = request.principal;
      if (principal?.kind === 'key' && projectId !== undefined && projectId !== principal.projectId)
        throw new ValidationError('A project API key reads its own project’s audit trail only.', [
          { path: 'querystring.projectId', message: 'is not the key’s project' },
        ]);
      const page = await listAuditEvents(db, {
        ...rest,
        projectId: principal?.kind === 'key' ? principal.projectId : projectId,
        since: since ? new Date(since) : undefined,
        until: until ? new Date(until) : undefined,
      });
      return { items: page.items.map(toAuditEvent), nextCursor: page.nextCursor };
    },
  );
};
