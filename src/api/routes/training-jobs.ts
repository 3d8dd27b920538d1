import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.ts';
import { NotFoundError } from '../../errors.ts';
import { cancelTrainingJob, submitTrainingJob } from '../../training/jobs/submission.ts';
import { projectOf } from '../plugins/auth.ts';
import { checkCursor, errorResponses, idParams, pageArgs, pageOf, pageQuery, toPage } from '../schemas/common.ts';
import {
  jobListQuery,
  toTrainingJob,
  toTrainingJobSummary,
  trainingJobRequest,
  trainingJobSchema,
  trainingJobSummarySchema,
} from '../schemas/training-jobs.ts';

const withVersion = { modelVersion: { select: { version: true } } } as const;

export const trainingJobRoutes: FastifyPluginAsyncZod<{ deps: Deps }> = async (
  app,
  { deps: { db, config, trainingQueue, quotas, jobEventPublisher } },
) => {
  app.post(
    '/v1/training-jobs',
    {
      config: { auth: 'write', idempotency: 'json' },
      schema: {
        tags: ['training-jobs'],
        summary: 'Queue a training job that turns a dataset into an evaluated model version',
        body: trainingJobRequest(config),
        response: { 202: trainingJobSchema, ...errorResponses(400, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const projectId = projectOf(request);
      const job = await submitTrainingJob(db, trainingQueue, projectId, request.body, await quotas.limits(projectId));
      return reply.code(202).header('location', `/v1/training-jobs/${job.id}`).send(toTrainingJob(job));
    },
  );

  app.get(
    '/v1/training-jobs',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['training-jobs'],
        summary:
          'List training jobs, newest first (the latest epoch of each; every epoch from GET /v1/training-jobs/{id})',
        querystring: pageQuery.extend(jobListQuery.shape),
        response: { 200: pageOf(trainingJobSummarySchema), ...errorResponses(400) },
      },
    },
    async (request) => {
      const { status, modelName, datasetId, ...page } = request.query;
      const projectId = projectOf(request);
      await checkCursor(page.cursor, (id) =>
        db.trainingJob.findFirst({ where: { id, projectId }, select: { id: true } }),
      );
      const rows = await db.trainingJob.findMany({
        where: {
          projectId,
          ...(status ? { status } : {}),
          ...(modelName ? { modelName } : {}),
          ...(datasetId ? { datasetId } : {}),
        },
        include: withVersion,
        ...pageArgs(page),
      });
      return toPage(rows, page.limit, toTrainingJobSummary);
    },
  );

  app.get(
    '/v1/training-jobs/:id',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['training-jobs'],
        summary: 'Get a training job: status, per-epoch progress, metrics, the produced version',
        params: idParams,
        response: { 200: trainingJobSchema, ...errorResponses(404) },
      },
    },
    async (request) => {
      const job = await db.trainingJob.findFirst({
        where: { id: request.params.id, projectId: projectOf(request) },
        include: withVersion,
      });
      if (!job) throw new NotFoundError('Training job', request.params.id);
      return toTrainingJob(job);
    },
  );

  app.post(
    '/v1/training-jobs/:id/cancel',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['training-jobs'],
        summary: 'Cancel a job: a queued one ends now, a running one at its next batch',
        params: idParams,
        response: { 200: trainingJobSchema, ...errorResponses(404, 503) },
      },
    },
    async (request) => {
      const job = await cancelTrainingJob(db, trainingQueue, projectOf(request), request.params.id);
      if (!job) throw new NotFoundError('Training job', request.params.id);
      // A queued job ends here and now; a running one is announced by its worker when it stops.
      if (job.status === 'cancelled') jobEventPublisher.status(job.id, job.status);
      return toTrainingJob({ ...job, modelVersion: null });
    },
  );
};
