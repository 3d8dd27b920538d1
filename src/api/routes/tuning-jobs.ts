import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.ts';
import { NotFoundError } from '../../errors.ts';
import { cancelTuningJob, submitTuningJob } from '../../tuning/submission.ts';
import { projectOf } from '../plugins/auth.ts';
import { checkCursor, errorResponses, idParams, pageArgs, pageOf, pageQuery, toPage } from '../schemas/common.ts';
import {
  toTuningJob,
  toTuningJobSummary,
  tuningJobRequest,
  tuningJobSchema,
  tuningJobSummarySchema,
  tuningListQuery,
} from '../schemas/tuning-jobs.ts';

const withDetail = {
  versions: { select: { version: true } },
  trials: {
    orderBy: { number: 'asc' as const },
    include: { trainingJob: { select: { progress: true } } },
  },
} as const;

/** Tuning jobs: hyperparameter searches whose trials are training jobs (src/tuning). */
export const tuningJobRoutes: FastifyPluginAsyncZod<{ deps: Deps }> = async (app, { deps }) => {
  const { db, config, trainingQueue, quotas } = deps;
  const coordinator = { db, store: deps.store, queue: trainingQueue, logger: deps.logger, quotas: config };
  const modelLimits = {
    maxEpochs: config.MAX_EPOCHS,
    maxBatchSize: config.MAX_BATCH_SIZE,
    maxUnits: config.MAX_HIDDEN_UNITS,
    maxHiddenLayers: 8,
    maxPatience: 200,
  };

  app.post(
    '/v1/tuning-jobs',
    {
      config: { auth: 'write', idempotency: 'json' },
      schema: {
        tags: ['tuning-jobs'],
        summary: 'Start a hyperparameter search: trials are training jobs; the best one registers a version',
        body: tuningJobRequest(config),
        response: { 202: tuningJobSchema, ...errorResponses(400, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const projectId = projectOf(request);
      const job = await submitTuningJob(
        db,
        trainingQueue,
        projectId,
        request.body,
        modelLimits,
        await quotas.limits(projectId),
      );
      return reply
        .code(202)
        .header('location', `/v1/tuning-jobs/${job.id}`)
        .send(toTuningJob({ ...job, versions: [], trials: [] }));
    },
  );

  app.get(
    '/v1/tuning-jobs',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['tuning-jobs'],
        summary: 'List tuning jobs, newest first (trials from GET /v1/tuning-jobs/{id})',
        querystring: pageQuery.extend(tuningListQuery.shape),
        response: { 200: pageOf(tuningJobSummarySchema), ...errorResponses(400) },
      },
    },
    async (request) => {
      const { status, ...page } = request.query;
      const projectId = projectOf(request);
      await checkCursor(page.cursor, (id) =>
        db.tuningJob.findFirst({ where: { id, projectId }, select: { id: true } }),
      );
      const rows = await db.tuningJob.findMany({
        where: { projectId, ...(status ? { status } : {}) },
        include: { versions: { select: { version: true } }, _count: { select: { trials: true } } },
        ...pageArgs(page),
      });
      return toPage(rows, page.limit, toTuningJobSummary);
    },
  );

  app.get(
    '/v1/tuning-jobs/:id',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['tuning-jobs'],
        summary: 'Get a tuning job: its trials with their parameters, rung results and states, and the version',
        params: idParams,
        response: { 200: tuningJobSchema, ...errorResponses(404) },
      },
    },
    async (request) => {
      const job = await db.tuningJob.findFirst({
        where: { id: request.params.id, projectId: projectOf(request) },
        include: withDetail,
      });
      if (!job) throw new NotFoundError('Tuning job', request.params.id);
      return toTuningJob(job);
    },
  );

  app.post(
    '/v1/tuning-jobs/:id/cancel',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['tuning-jobs'],
        summary: 'Cancel a search and all its trials (a running trial stops at its next batch); no version',
        params: idParams,
        response: { 200: tuningJobSchema, ...errorResponses(404, 503) },
      },
    },
    async (request) => {
      const projectId = projectOf(request);
      const cancelled = await cancelTuningJob(coordinator, projectId, request.params.id);
      if (!cancelled) throw new NotFoundError('Tuning job', request.params.id);
      const job = await db.tuningJob.findUniqueOrThrow({ where: { id: cancelled.id }, include: withDetail });
      return toTuningJob(job);
    },
  );
};
