import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { apiKeyScopes, issueApiKey } from '../../auth/api-keys.ts';
import type { Deps } from '../../deps.ts';
import { NotFoundError } from '../../errors.ts';
import type { Principal } from '../plugins/auth.ts';
import { checkCursor, errorResponses, idParams, pageArgs, pageOf, pageQuery, toPage } from '../schemas/common.ts';

const projectSchema = z
  .object({ id: z.string(), name: z.string(), createdAt: z.iso.datetime() })
  .meta({ id: 'Project' });

const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().describe('The visible start of the key'),
    scopes: z.array(z.enum(apiKeyScopes)),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'ApiKey' });

const createKeyBody = z
  .object({
    name: z.string().trim().min(1).max(100).default('default'),
    scopes: z.array(z.enum(apiKeyScopes)).min(1).default(['read', 'write', 'predict']),
    expiresAt: z.iso
      .datetime()
      // A key born expired could never be used: the caller meant another date.
      .refine((at) => Date.parse(at) > Date.now(), 'must be in the future')
      .optional()
      .describe('When the key stops working (ISO 8601, in the future); never when absent'),
  })
  .strict();

const keyParams = z.object({ id: z.uuid(), keyId: z.uuid() });

type KeyRow = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
};
const toApiKey = (key: KeyRow) => ({
  id: key.id,
  name: key.name,
  prefix: key.prefix,
  scopes: key.scopes as (typeof apiKeyScopes)[number][],
  createdAt: key.createdAt.toISOString(),
  expiresAt: key.expiresAt?.toISOString() ?? null,
  revokedAt: key.revokedAt?.toISOString() ?? null,
});

/** The admin token manages every project; a key with the `admin` scope manages its own project's keys. */
function assertProjectAccess(principal: Principal | undefined, projectId: string): void {
  if (principal?.kind === 'key' && principal.projectId !== projectId) throw new NotFoundError('Project', projectId);
}

export const projectRoutes: FastifyPluginAsyncZod<{ deps: Deps }> = async (app, { deps: { db } }) => {
  app.post(
    '/v1/projects',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['projects'],
        summary: 'Create a project (admin token)',
        body: z.object({ name: z.string().trim().min(1).max(100) }).strict(),
        response: { 201: projectSchema, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const project = await db.project.create({ data: { name: request.body.name } });
      return reply.code(201).send({ ...project, createdAt: project.createdAt.toISOString() });
    },
  );

  app.get(
    '/v1/projects',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['projects'],
        summary: 'List projects (admin token)',
        querystring: pageQuery,
        response: { 200: pageOf(projectSchema), ...errorResponses(400) },
      },
    },
    async (request) => {
      await checkCursor(request.query.cursor, (id) => db.project.findUnique({ where: { id }, select: { id: true } }));
      const rows = await db.project.findMany(pageArgs(request.query));
      return toPage(rows, request.query.limit, (p) => ({ ...p, createdAt: p.createdAt.toISOString() }));
    },
  );

  app.post(
    '/v1/projects/:id/api-keys',
    {
      config: { auth: 'admin-or-project-admin' },
      schema: {
        tags: ['api-keys'],
        summary: 'Create an API key; the key is shown only in this response',
        params: idParams,
        body: createKeyBody,
        response: {
          201: apiKeySchema.extend({ key: z.string().describe('The secret; store it now, it is never shown again') }),
          ...errorResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const projectId = request.params.id;
      assertProjectAccess(request.principal, projectId);
      if (!(await db.project.findUnique({ where: { id: projectId } }))) throw new NotFoundError('Project', projectId);
      const issued = issueApiKey();
      const { name, scopes, expiresAt } = request.body;
      const key = await db.apiKey.create({
        data: {
          projectId,
          name,
          scopes: [...new Set(scopes)],
          prefix: issued.prefix,
          secretHash: issued.secretHash,
          expiresAt: expiresAt ? new Date(expiresAt) : null,
        },
      });
      return reply.code(201).send({ ...toApiKey(key), key: issued.key });
    },
  );

  app.get(
    '/v1/projects/:id/api-keys',
    {
      config: { auth: 'admin-or-project-admin' },
      schema: {
        tags: ['api-keys'],
        summary: 'List API keys (never their secrets)',
        params: idParams,
        querystring: pageQuery,
        response: { 200: pageOf(apiKeySchema), ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      assertProjectAccess(request.principal, request.params.id);
      if (!(await db.project.findUnique({ where: { id: request.params.id } })))
        throw new NotFoundError('Project', request.params.id);
      const projectId = request.params.id;
      await checkCursor(request.query.cursor, (id) =>
        db.apiKey.findFirst({ where: { id, projectId }, select: { id: true } }),
      );
      const rows = await db.apiKey.findMany({ where: { projectId }, ...pageArgs(request.query) });
      return toPage(rows, request.query.limit, toApiKey);
    },
  );

  app.delete(
    '/v1/projects/:id/api-keys/:keyId',
    {
      config: { auth: 'admin-or-project-admin' },
      schema: {
        tags: ['api-keys'],
        summary: 'Revoke an API key',
        params: keyParams,
        response: { 200: apiKeySchema, ...errorResponses(404) },
      },
    },
    async (request) => {
      const { id: projectId, keyId } = request.params;
      assertProjectAccess(request.principal, projectId);
      const existing = await db.apiKey.findFirst({ where: { id: keyId, projectId } });
      if (!existing) throw new NotFoundError('API key', keyId);
      const key = existing.revokedAt
        ? existing
        : await db.apiKey.update({ where: { id: keyId }, data: { revokedAt: new Date() } });
      // Before the answer leaves, so the revoking client's next request already finds the key gone.
      app.apiKeyCache.invalidateKey(keyId);
      return toApiKey(key);
    },
  );
};
