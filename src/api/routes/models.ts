import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.ts';
import { NotFoundError } from '../../errors.ts';
import { deleteModel, deleteModelVersion } from '../../registry/model-erasure.ts';
import { describeAlias, moveAlias, rollbackAlias, type AliasRouting } from '../../registry/alias-routing.ts';
import { aliasHistory, deleteAlias, findModel } from '../../registry/model-registry.ts';
import { enqueueWebhookEvent } from '../../webhooks/events.ts';
import { projectOf } from '../plugins/auth.ts';
import { checkCursor, errorResponses, pageOf } from '../schemas/common.ts';
import { versionStatus } from '../../serving/tf-serving-format.ts';
import { modelVersionStatus } from '../schemas/tf-serving.ts';
import {
  aliasEventSchema,
  aliasMoveSchema,
  aliasTargetBody,
  routingOf,
  aliasParams,
  erasedVersionsSchema,
  forceQuery,
  modelParams,
  modelSchema,
  modelVersionSchema,
  modelVersionSummarySchema,
  toModel,
  toModelVersion,
  toModelVersionSummary,
  versionParams,
} from '../schemas/models.ts';

const modelPage = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});
const versionPage = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 31 - 1)
    .optional()
    .describe('The `nextCursor` of the previous page'),
});
const versionInclude = {
  aliases: { select: { alias: true } },
  dataset: { select: { name: true, version: true } },
} as const;
const aliasInclude = { aliases: { select: { alias: true, version: { select: { version: true } } } } } as const;

export const modelRoutes: FastifyPluginAsyncZod<{ deps: Deps }> = async (app, { deps }) => {
  const { db, store, routeChanges } = deps;
  /** Answers an alias move as it is, once subscribed webhooks have it recorded (alias.moved). */
  const announceAliasMove = async <T extends { alias: string; version: number | null; previousVersion: number | null }>(
    projectId: string,
    model: string,
    move: T,
  ): Promise<T> => {
    // Before answering: the replica a caller asks next serves the move (splits and shadows too).
    await routeChanges.changed({ projectId, model });
    if (move.version !== move.previousVersion)
      await enqueueWebhookEvent(deps, projectId, 'alias.moved', {
        model,
        alias: move.alias,
        version: move.version,
        previousVersion: move.previousVersion,
      });
    return move;
  };
  app.get(
    '/v1/models',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['registry'],
        summary: 'List models by name',
        querystring: modelPage,
        response: { 200: pageOf(modelSchema), ...errorResponses(400) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const projectId = projectOf(request);
      await checkCursor(cursor, (name) => db.model.findFirst({ where: { projectId, name }, select: { id: true } }));
      const rows = await db.model.findMany({
        where: { projectId, ...(cursor ? { name: { gt: cursor } } : {}) },
        orderBy: { name: 'asc' },
        take: limit + 1,
        include: aliasInclude,
      });
      const items = rows.slice(0, limit);
      return { items: items.map(toModel), nextCursor: rows.length > limit ? items[items.length - 1]!.name : null };
    },
  );

  app.get(
    '/v1/models/:name/versions',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['registry'],
        summary: "List a model's versions, newest first (without preprocessing and schemas: see the version route)",
        params: modelParams,
        querystring: versionPage,
        response: {
          200: z.object({
            items: z.array(modelVersionSummarySchema),
            nextCursor: z.string().nullable().describe('The cursor of the next page (a version number)'),
          }),
          ...errorResponses(400, 404),
        },
      },
    },
    async (request) => {
      const model = await findModel(db, projectOf(request), request.params.name);
      const { limit, cursor } = request.query;
      const versions = await db.modelVersion.findMany({
        where: { modelId: model.id, ...(cursor ? { version: { lt: cursor } } : {}) },
        orderBy: { version: 'desc' },
        take: limit + 2,
        // The input schema is read only to say whether it changed: lists leave it out.
        omit: { preprocessing: true, outputSchema: true },
        include: versionInclude,
      });
      // Newest first: each version's predecessor is the next row (one more is read for the last item's).
      const items = versions.slice(0, limit);
      return {
        items: items.map((v, i) => toModelVersionSummary(model.name, v, versions[i + 1] ?? null)),
        nextCursor: versions.length > limit ? String(items[items.length - 1]!.version) : null,
      };
    },
  );

  app.get(
    '/v1/models/:name/versions/:version',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['registry'],
        summary:
          'Get a version: metrics, hyperparameters, lineage, input schema, aliases; ' +
          "also TensorFlow Serving's model status",
        params: versionParams,
        response: {
          200: modelVersionSchema.extend({ model_version_status: modelVersionStatus }),
          ...errorResponses(400, 404),
        },
      },
    },
    async (request) => {
      const model = await findModel(db, projectOf(request), request.params.name);
      const version = await db.modelVersion.findUnique({
        where: { modelId_version: { modelId: model.id, version: request.params.version } },
        include: versionInclude,
      });
      if (!version) throw new NotFoundError(`Version of model '${model.name}'`, String(request.params.version));
      const previous = await db.modelVersion.findFirst({
        where: { modelId: model.id, version: { lt: version.version } },
        orderBy: { version: 'desc' },
        select: { inputSchema: true },
      });
      return {
        ...toModelVersion(model.name, version, previous),
        model_version_status: [versionStatus(version.version)],
      };
    },
  );

  app.delete(
    '/v1/models/:name/versions/:version',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['registry'],
        summary: 'Delete a version and its artifact (409 while an alias points at it, unless ?force=true)',
        description:
          'With `force=true` the aliases pointing at the version are removed too (recorded in their history). ' +
          'The version stops serving at once, on every replica.',
        params: versionParams,
        querystring: forceQuery,
        response: { 200: erasedVersionsSchema, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => {
      const { name, version } = request.params;
      const projectId = projectOf(request);
      const erased = await deleteModelVersion(db, store, projectId, name, version, request.query);
      await routeChanges.changed({ projectId, model: name, versionIds: erased.versionIds });
      return erased;
    },
  );

  app.delete(
    '/v1/models/:name',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['registry'],
        summary: 'Delete a model with all its versions, artifacts and aliases',
        description:
          'Refused (409) while a training job for the model is queued or running, and while an alias points at ' +
          'a version unless `force=true`.',
        params: modelParams,
        querystring: forceQuery,
        response: { 200: erasedVersionsSchema, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => {
      const projectId = projectOf(request);
      const erased = await deleteModel(db, store, projectId, request.params.name, request.query);
      await routeChanges.changed({ projectId, model: request.params.name, versionIds: erased.versionIds });
      return erased;
    },
  );

  app.put(
    '/v1/models/:name/aliases/:alias',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['registry'],
        summary: 'Point an alias (production, staging, ...) at a version, or split its traffic across versions',
        description:
          '`{"version": 3}` points the alias at one version; `{"versions": [{"version": 3, "weight": 90}, ' +
          '{"version": 4, "weight": 10}]}` splits its traffic by weight (requests with the same ' +
          '`X-Maas-Routing-Key` header always reach the same version; others are assigned at random). ' +
          '`shadow` names a version that receives a copy of every request after the answer is sent; its answers ' +
          'are recorded, never returned. Every version named must share the task and input schema (422 otherwise). ' +
          'The move is atomic, recorded in the history, and served by every replica from the next request on.',
        params: aliasParams,
        body: aliasTargetBody,
        response: { 200: aliasMoveSchema, ...errorResponses(400, 404, 422) },
      },
    },
    async (request) =>
      announceAliasMove(
        projectOf(request),
        request.params.name,
        await moveAlias(db, projectOf(request), request.params.name, request.params.alias, request.body),
      ),
  );

  app.get(
    '/v1/models/:name/aliases/:alias',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['registry'],
        summary: "An alias's version, traffic split and shadow",
        params: aliasParams,
        response: { 200: aliasMoveSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => describeAlias(db, projectOf(request), request.params.name, request.params.alias),
  );

  app.delete(
    '/v1/models/:name/aliases/:alias',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['registry'],
        summary: 'Remove an alias',
        params: aliasParams,
        response: { 200: aliasMoveSchema, ...errorResponses(404) },
      },
    },
    async (request) =>
      announceAliasMove(
        projectOf(request),
        request.params.name,
        await deleteAlias(db, projectOf(request), request.params.name, request.params.alias),
      ),
  );

  app.post(
    '/v1/models/:name/aliases/:alias/rollback',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['registry'],
        summary: 'Move an alias back to the version it pointed at before its latest move',
        params: aliasParams,
        response: { 200: aliasMoveSchema, ...errorResponses(404, 409, 422) },
      },
    },
    async (request) =>
      announceAliasMove(
        projectOf(request),
        request.params.name,
        await rollbackAlias(db, projectOf(request), request.params.name, request.params.alias),
      ),
  );

  app.get(
    '/v1/models/:name/aliases/:alias/history',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['registry'],
        summary: 'Every move of an alias, newest first',
        params: aliasParams,
        response: { 200: z.object({ items: z.array(aliasEventSchema) }), ...errorResponses(404) },
      },
    },
    async (request) => {
      const events = await aliasHistory(db, projectOf(request), request.params.name, request.params.alias);
      return {
        items: events.map((e) => ({
          fromVersion: e.fromVersion,
          toVersion: e.toVersion,
          fromRouting: routingOf(e.fromRouting as AliasRouting | null),
          toRouting: routingOf(e.toRouting as AliasRouting | null),
          at: e.createdAt.toISOString(),
        })),
      };
    },
  );
};

/** `GET /v1/models/{name}` lives with the serving routes: it also answers TF Serving's model status. */
export async function loadModelSummary(db: Deps['db'], projectId: string, name: string) {
  const model = await findModel(db, projectId, name);
  const full = await db.model.findUniqueOrThrow({ where: { id: model.id }, include: aliasInclude });
  return toModel(full);
}
