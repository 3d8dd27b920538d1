import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.ts';
import { NotFoundError } from '../../errors.ts';
import { eraseProject, requestProjectErasure, toErasureStatus } from '../../erasure/project-erasure.ts';
import { errorResponses, idParams } from '../schemas/common.ts';

const erasureSchema = z
  .object({
    projectId: z.string(),
    status: z.enum(['in_progress', 'completed']),
    requestedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
    attempts: z.number().int(),
  })
  .meta({ id: 'ProjectErasure' });

const statusUrl = (projectId: string) => `/v1/admin/projects/${projectId}/erasure`;

/**
 * The operator's erasure of a whole project. The request marks the project and answers 202
 * at once; this process then runs the erasure, and the worker's maintenance resumes it if this
 * process dies first (see src/erasure/project-erasure.ts).
 */
export const projectErasureRoutes: FastifyPluginAsyncZod<{ deps: Deps }> = async (app, { deps }) => {
  const { db, store, trainingQueue, config, logger, routeChanges } = deps;
  const running = new Set<Promise<unknown>>();

  function runInBackground(projectId: string): void {
    const pass = eraseProject({ db, store, trainingQueue, redisPrefix: config.REDIS_PREFIX, logger }, projectId)
      .then((result) => routeChanges.changed({ projectId, versionIds: result.versionIds }))
      .catch((error: unknown) =>
        logger.warn({ err: error, projectId }, 'project erasure pass failed; the worker resumes it'),
      )
      .finally(() => running.delete(pass));
    running.add(pass);
  }
  // The pass is resumable, but a clean shutdown lets it finish rather than leave it to the worker.
  app.addHook('onClose', async () => {
    await Promise.all([...running]);
  });

  app.delete(
    '/v1/admin/projects/:id',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['projects'],
        summary: 'Erase a project and everything it owns (admin token); answers 202 with a status URL',
        description:
          'Datasets, training jobs, model versions, artifacts, checkpoints, API keys, idempotency records, ' +
          'queue entries and Redis keys. The project is refused at once (its keys are revoked); the erasure ' +
          'runs in the background, survives crashes, and is followed at the `Location` URL.',
        params: idParams,
        response: { 202: erasureSchema, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const projectId = request.params.id;
      const { erasure, revokedKeyIds } = await requestProjectErasure(db, projectId);
      for (const keyId of revokedKeyIds) app.apiKeyCache.invalidateKey(keyId);
      await routeChanges.changed({ projectId });
      if (!erasure.finishedAt) runInBackground(projectId);
      return reply.code(202).header('location', statusUrl(projectId)).send(toErasureStatus(erasure));
    },
  );

  app.get(
    '/v1/admin/projects/:id/erasure',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['projects'],
        summary: "A project erasure's progress (admin token)",
        params: idParams,
        response: { 200: erasureSchema, ...errorResponses(404) },
      },
    },
    async (request) => {
      const erasure = await db.projectErasure.findUnique({ where: { projectId: request.params.id } });
      if (!erasure) throw new NotFoundError('Project erasure', request.params.id);
      return toErasureStatus(erasure);
    },
  );
};
