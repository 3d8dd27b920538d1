import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorPartKey, errorPartsPrefix, outputPartKey, partIndexOf } from '../../batch/batch-files.ts';
import { ERRORS_CSV_HEADER, type OutputFormat } from '../../batch/batch-output.ts';
import { cancelBatchPrediction, submitDatasetBatch, submitUploadBatch } from '../../batch/submission.ts';
import { datasetFormatFromContentType, TABULAR_MEDIA_TYPES } from '../../datasets/dataset-format.ts';
import type { Deps } from '../../deps.ts';
import { ConflictError, NotFoundError } from '../../errors.ts';
import type { ArtifactStore } from '../../storage/artifact-store.ts';
import { projectOf } from '../plugins/auth.ts';
import { requestBody } from '../request-body.ts';
import {
  batchListQuery,
  batchPredictionRequest,
  batchPredictionSchema,
  batchUploadQuery,
  toBatchPrediction,
} from '../schemas/batch-predictions.ts';
import { checkCursor, errorResponses, idParams, pageArgs, pageOf, pageQuery, toPage } from '../schemas/common.ts';

const MEDIA_TYPES = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
} as const;

/** The parts' bytes one after another, read from the store as the client reads the answer. */
function concatenated(store: ArtifactStore, keys: string[], prefix?: string): Readable {
  return Readable.from(
    (async function* () {
      if (prefix) yield Buffer.from(prefix);
      for (const key of keys) for await (const chunk of store.createReadStream(key)) yield chunk as Buffer;
    })(),
    { objectMode: false },
  );
}

export const batchPredictionRoutes: FastifyPluginAsyncZod<{ deps: Deps }> = async (app, { deps }) => {
  const { db, store, config, quotas, batchQueue } = deps;
  const submission = { db, store, batchQueue, partRows: config.BATCH_PART_ROWS };
  // Upload bodies are streamed to the store, never buffered: the route consumes them.
  app.addContentTypeParser(TABULAR_MEDIA_TYPES, (_request, _payload, done) => done(null));

  const ownBatch = async (projectId: string, id: string) => {
    const job = await db.batchPrediction.findFirst({ where: { id, projectId } });
    if (!job) throw new NotFoundError('Batch prediction', id);
    return job;
  };

  app.post(
    '/v1/batch-predictions',
    {
      config: { auth: 'write', idempotency: 'json' },
      schema: {
        tags: ['batch-predictions'],
        summary: 'Score every row of a stored dataset with a model version, on the workers',
        description:
          'The version (a number, an alias, or the default as for `:predict`) is resolved once, now. ' +
          'Rows are read as a stream and written to the output in parts of BATCH_PART_ROWS rows; a row that ' +
          'cannot be scored goes to the error file with its number and the reason. Poll GET /v1/batch-predictions/{id}, ' +
          'then read the output from GET /v1/batch-predictions/{id}/output.',
        body: batchPredictionRequest,
        response: { 202: batchPredictionSchema, ...errorResponses(400, 404, 422, 503) },
      },
    },
    async (request, reply) => {
      const projectId = projectOf(request);
      const job = await submitDatasetBatch(submission, projectId, request.body, await quotas.limits(projectId));
      return reply.code(202).header('location', `/v1/batch-predictions/${job.id}`).send(toBatchPrediction(job));
    },
  );

  app.post(
    '/v1/batch-predictions/upload',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['batch-predictions'],
        summary: 'Score every row of an uploaded CSV or NDJSON body with a model version, on the workers',
        description:
          `Send the rows as the body with Content-Type ${TABULAR_MEDIA_TYPES.join(', ')}; the settings go in the ` +
          'query. The body is streamed to the store (at most MAX_UPLOAD_BYTES, and counted towards the ' +
          "project's stored bytes until the job ends).",
        consumes: TABULAR_MEDIA_TYPES,
        querystring: batchUploadQuery,
        response: { 202: batchPredictionSchema, ...errorResponses(400, 404, 413, 415, 422, 503) },
      },
    },
    async (request, reply) => {
      const projectId = projectOf(request);
      const format = datasetFormatFromContentType(request.headers['content-type']);
      const job = await submitUploadBatch(
        { ...submission, maxUploadBytes: config.MAX_UPLOAD_BYTES },
        projectId,
        request.query,
        format,
        requestBody(request, reply),
        await quotas.limits(projectId),
      );
      return reply.code(202).header('location', `/v1/batch-predictions/${job.id}`).send(toBatchPrediction(job));
    },
  );

  app.get(
    '/v1/batch-predictions',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['batch-predictions'],
        summary: 'List batch predictions, newest first, with their progress',
        querystring: pageQuery.extend(batchListQuery.shape),
        response: { 200: pageOf(batchPredictionSchema), ...errorResponses(400) },
      },
    },
    async (request) => {
      const { status, model, ...page } = request.query;
      const projectId = projectOf(request);
      await checkCursor(page.cursor, (id) =>
        db.batchPrediction.findFirst({ where: { id, projectId }, select: { id: true } }),
      );
      const rows = await db.batchPrediction.findMany({
        where: { projectId, ...(status ? { status } : {}), ...(model ? { modelName: model } : {}) },
        ...pageArgs(page),
      });
      return toPage(rows, page.limit, toBatchPrediction);
    },
  );

  app.get(
    '/v1/batch-predictions/:id',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['batch-predictions'],
        summary: 'Get a batch prediction: status, rows done, rows per second, error count',
        params: idParams,
        response: { 200: batchPredictionSchema, ...errorResponses(404) },
      },
    },
    async (request) => toBatchPrediction(await ownBatch(projectOf(request), request.params.id)),
  );

  app.post(
    '/v1/batch-predictions/:id/cancel',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['batch-predictions'],
        summary: 'Cancel a batch prediction: a queued one ends now, a running one after its current part',
        params: idParams,
        response: { 200: batchPredictionSchema, ...errorResponses(404, 503) },
      },
    },
    async (request) => {
      const job = await cancelBatchPrediction(deps, projectOf(request), request.params.id);
      if (!job) throw new NotFoundError('Batch prediction', request.params.id);
      return toBatchPrediction(job);
    },
  );

  const fileResponse = z
    .string()
    .describe('The file, streamed (text/csv, application/x-ndjson or application/vnd.apache.parquet)');

  app.get(
    '/v1/batch-predictions/:id/output',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['batch-predictions'],
        summary: 'Stream the output of a succeeded batch prediction (CSV, NDJSON or Parquet, as requested)',
        description:
          'Passthrough columns, then the prediction: in CSV `prediction` and a `probability_<label>` column per label ' +
          'of a classifier; in NDJSON `prediction` as `:predict` answers it. Rows that could not be scored are in ' +
          '.../errors instead. Parquet holds the columns CSV does, typed (probabilities as doubles), one row group ' +
          'per part.',
        params: idParams,
        produces: [MEDIA_TYPES.csv, MEDIA_TYPES.ndjson, MEDIA_TYPES.parquet],
        response: { 200: fileResponse, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      const job = await ownBatch(projectOf(request), request.params.id);
      if (job.status !== 'succeeded')
        throw new ConflictError(
          'batch_output_not_ready',
          `The batch prediction is ${job.status}; its output is not complete.`,
        );
      const keys = Array.from({ length: job.partsDone }, (_, index) => outputPartKey(job, index));
      const format = job.outputFormat as OutputFormat;
      return reply
        .type(MEDIA_TYPES[format])
        .header('content-disposition', `attachment; filename="batch-${job.id}.${format}"`)
        .send(
          (format === 'parquet'
            ? // Loaded on first use: Parquet's library is not part of the service's start.
              (await import('../../batch/parquet-output.ts')).joinedParquet(store, keys)
            : concatenated(store, keys)) as never,
        );
    },
  );

  app.get(
    '/v1/batch-predictions/:id/errors',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['batch-predictions'],
        summary: 'Stream the rows a succeeded batch prediction could not score: row number and reason',
        params: idParams,
        produces: [MEDIA_TYPES.csv, MEDIA_TYPES.ndjson],
        response: { 200: fileResponse, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      const job = await ownBatch(projectOf(request), request.params.id);
      if (job.status !== 'succeeded')
        throw new ConflictError(
          'batch_output_not_ready',
          `The batch prediction is ${job.status}; its errors are not complete.`,
        );
      const parts = (await store.list(errorPartsPrefix(job)))
        .map((key) => partIndexOf(key))
        .filter((index): index is number => index !== undefined && index < job.partsDone)
        .sort((a, b) => a - b);
      const csv = job.outputFormat === 'csv';
      return reply.type(MEDIA_TYPES[csv ? 'csv' : 'ndjson']).send(
        concatenated(
          store,
          parts.map((index) => errorPartKey(job, index)),
          csv ? ERRORS_CSV_HEADER : undefined,
        ) as never,
      );
    },
  );
};
