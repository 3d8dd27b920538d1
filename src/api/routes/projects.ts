import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { rotateApiKey } from '../../auth/api-key-rotation.ts';
import { apiKeyScopes, issueApiKey } from '../../auth/api-keys.ts';
import type { Deps } from '../../deps.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
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
    lastUsedAt: z.iso
      .datetime()
      .nullable()
      .describe('When the key last authenticated a request, to within a minute per replica'),
  })
  .meta({ id: 'ApiKey' });

const issuedKeySchema = apiKeySchema.extend({
  key: z.string().describe('The secret; store it now, it is never shown again'),
});

const rotateKeyBody = z
  .object({
    overlapSeconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 24 * 3600)
      .default(3600)
      .describe('How long the old key keeps working beside the new one (0: it stops now)'),
    expiresAt: z.iso.datetime().optional().describe('When the new key stops working; never when absent'),
  })
  .strict();

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
  lastUsedAt: Date | null;
};
const toApiKey = (key: KeyRow) => ({
  id: key.id,
  name: key.name,
  prefix: key.prefix,
  scopes: key.scopes as (typeof apiKeyScopes)[number][],
  createdAt: key.createdAt.toISOString(),
  expiresAt: key.expiresAt?.toISOString() ?? null,
  revokedAt: key.revokedAt?.toISOString() ?? null,
  lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
});

/** The admin token manages every project; a key with the `admin` scope manages its own project's keys. */
function assertProjectAccess(principal: Principal | undefined, projectId: string): void {
  if (principal?.kind === 'key' && principal.projectId !== projectId) throw new NotFoundError('Project', projectId);
}

/** A project not being erased: one marked for erasure is gone for every route. */
const liveProject = (db: Deps['db'], id: string) => db.project.findFirst({ where: { id, deletingAt: null } });

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
      await checkCursor(request.query.cursor, (id) =>
        db.project.findFirst({ where: { id, deletingAt: null }, select: { id: true } }),
      );
      const rows = await db.project.findMany({ where: { deletingAt: null }, ...pageArgs(request.query) });
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
          201: issuedKeySchema,
          ...errorResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const projectId = request.params.id;
      assertProjectAccess(request.principal, projectId);
      if (!(await liveProject(db, projectId))) throw new NotFoundError('Project', projectId);
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
      if (!(await liveProject(db, request.params.id))) throw new NotFoundError('Project', request.params.id);
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

  // A literal `:rotate` after a parameter needs the parameter to be a regex (see predictions.ts).
  app.post(
    '/v1/projects/:id/api-keys/:keyId(^[0-9A-Fa-f-]{36})::rotate',
    {
      config: { auth: 'admin-or-project-admin' },
      schema: {
        tags: ['api-keys'],
        summary: 'Rotate an API key: a new key with the same name and scopes; the old one works until the overlap ends',
        params: keyParams,
        body: rotateKeyBody,
        response: {
          201: issuedKeySchema.extend({
            rotated: apiKeySchema.describe('The old key, expiring at the end of the overlap'),
          }),
          ...errorResponses(400, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const { id: projectId, keyId } = request.params;
      assertProjectAccess(request.principal, projectId);
      const { overlapSeconds, expiresAt } = request.body;
      const newExpiry = expiresAt === undefined ? undefined : new Date(expiresAt);
      if (newExpiry && newExpiry.getTime() <= Date.now())
        throw new ValidationError('`expiresAt` must be in the future.', [
          { path: 'body.expiresAt', message: 'is in the past' },
        ]);
      const { issued, retired } = await rotateApiKey(db, { projectId, keyId, overlapSeconds, expiresAt: newExpiry });
      // The old key's cached entry carries its old expiry: this process reads the new one at once,
      // other replicas within the key cache's TTL.
      app.apiKeyCache.invalidateKey(keyId);
      return reply.code(201).send({ ...toApiKey(issued), key: issued.key, rotated: toApiKey(retired) });
    },
  );
};
