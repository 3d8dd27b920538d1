import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { deleteDataset, getDataset, listDatasetSummaries } from '../../datasets/dataset-catalog.ts';
import {
  PARQUET_MEDIA_TYPES,
  TABULAR_MEDIA_TYPES,
  uploadFormatFromContentType,
  uploadFormatFromFilename,
  ZIP_MEDIA_TYPES,
  type UploadFormat,
} from '../../datasets/dataset-format.ts';
import { uploadDataset } from '../../datasets/upload.ts';
import type { Deps } from '../../deps.ts';
import { ValidationError } from '../../errors.ts';
import { projectOf } from '../plugins/auth.ts';
import { requestBody } from '../request-body.ts';
import { checkCursor, errorResponses, idParams, pageArgs, pageOf, pageQuery, toPage } from '../schemas/common.ts';
import {
  datasetName,
  datasetSchema,
  datasetSummarySchema,
  LISTED_COLUMNS,
  toDataset,
  toDatasetSummary,
  uploadQuery,
} from '../schemas/datasets.ts';

/** Uploads one body as dataset `name` (see src/datasets/upload.ts). */
type Upload = (name: string, format: UploadFormat, source: Readable) => ReturnType<typeof uploadDataset>;

export const datasetRoutes: FastifyPluginAsyncZod<{ deps: Deps }> = async (app, { deps }) => {
  const { db, store, config, quotas } = deps;

  // Dataset bodies are streamed to the artifact store as they arrive, never buffered:
  // these parsers leave the body unread for the route to consume.
  app.addContentTypeParser(
    [...TABULAR_MEDIA_TYPES, ...PARQUET_MEDIA_TYPES, ...ZIP_MEDIA_TYPES],
    (_request, _payload, done) => done(null),
  );

  app.post(
    '/v1/datasets',
    {
      config: { auth: 'write', idempotency: 'dataset-upload' },
      schema: {
        tags: ['datasets'],
        summary:
          'Upload a dataset (CSV, NDJSON or Parquet body, or multipart with a file part); ' +
          'the same name again makes its next version',
        description:
          `Send the file as the body with Content-Type ${TABULAR_MEDIA_TYPES.join(', ')}, ` +
          'or as multipart/form-data with a `file` part and a `name` field. ' +
          `An image dataset is a ZIP body (${ZIP_MEDIA_TYPES.join(', ')}) ` +
          'with one folder of PNG/JPEG files per class; ' +
          'it gets an `image` and a `label` column, and the answer lists the entries left out (`skipped`). ' +
          `A Parquet file (${PARQUET_MEDIA_TYPES.join(', ')}, or a .parquet file part) is stored, then read ` +
          'row group by row group from its footer; its columns must be flat (no lists, maps or structs). ' +
          'The body is streamed; at most MAX_UPLOAD_BYTES.',
        consumes: [...TABULAR_MEDIA_TYPES, ...PARQUET_MEDIA_TYPES, ...ZIP_MEDIA_TYPES, 'multipart/form-data'],
        querystring: uploadQuery,
        response: { 201: datasetSchema, ...errorResponses(400, 413, 415) },
      },
    },
    async (request, reply) => {
      const projectId = projectOf(request);
      const limits = await quotas.limits(projectId);
      const upload: Upload = (name, format, source) =>
        uploadDataset({
          db,
          store,
          projectId,
          name,
          format,
          source,
          maxBytes: config.MAX_UPLOAD_BYTES,
          archiveLimits: { maxImagePixels: config.MAX_IMAGE_PIXELS },
          quotas: limits,
        });
      let record;
      if (request.isMultipart()) {
        record = await uploadMultipart(request, request.query.name, config.MAX_UPLOAD_BYTES, upload);
      } else {
        const format = uploadFormatFromContentType(request.headers['content-type']);
        const name = request.query.name;
        if (!name)
          throw new ValidationError('A dataset name is required as ?name=.', [
            { path: 'querystring.name', message: 'is required' },
          ]);
        record = await upload(name, format, requestBody(request, reply));
      }
      return reply.code(201).header('location', `/v1/datasets/${record.id}`).send(toDataset(record));
    },
  );

  app.get(
    '/v1/datasets',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['datasets'],
        summary: 'List datasets, newest first (column names and types; profiles from GET /v1/datasets/{id})',
        querystring: pageQuery.extend({ name: datasetName.optional() }),
        response: { 200: pageOf(datasetSummarySchema), ...errorResponses(400) },
      },
    },
    async (request) => {
      const projectId = projectOf(request);
      const { name, ...page } = request.query;
      await checkCursor(page.cursor, (id) => db.dataset.findFirst({ where: { id, projectId }, select: { id: true } }));
      const rows = await listDatasetSummaries(
        db,
        { projectId, ...(name ? { name } : {}) },
        pageArgs(page),
        LISTED_COLUMNS,
      );
      return toPage(rows, page.limit, toDatasetSummary);
    },
  );

  app.get(
    '/v1/datasets/:id',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['datasets'],
        summary: 'Get a dataset with its inferred column schema',
        params: idParams,
        response: { 200: datasetSchema, ...errorResponses(404) },
      },
    },
    async (request) => toDataset(await getDataset(db, projectOf(request), request.params.id)),
  );

  app.delete(
    '/v1/datasets/:id',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['datasets'],
        summary: 'Delete a dataset and its bytes (409 while a model version uses it)',
        params: idParams,
        response: { 200: datasetSchema, ...errorResponses(404, 409) },
      },
    },
    async (request) => toDataset(await deleteDataset(db, store, projectOf(request), request.params.id)),
  );
};

const MULTIPART_BOUNDARY = /;\s*boundary=(?:"[^"]+"|[^\s;"]+)/i;

/**
 * A multipart upload: `name` fields (unless the query named the dataset), then exactly one
 * file part, whose extension says its format.
 */
async function uploadMultipart(
  request: FastifyRequest,
  queryName: string | undefined,
  maxBytes: number,
  upload: Upload,
) {
  let name = queryName;
  let record;
  // The multipart limit is one byte past ours and does not throw, so the upload always
  // meets the overflow itself and refuses it (413) before anything is kept. At exactly our
  // limit, busboy truncated the file and only failed the request after the part had ended,
  // by when the truncated dataset was stored; throwing, it destroys the file stream under
  // the ingester, which raced it and could answer 400 instead of 413.
  // (parts() honours throwFileSizeLimit at run time; only its type leaves it out.)
  const options = { limits: { fileSize: maxBytes + 1, files: 1, fields: 10 }, throwFileSizeLimit: false };
  // The multipart parser throws a plain error (a 500) on a Content-Type without a boundary.
  if (!MULTIPART_BOUNDARY.test(request.headers['content-type'] ?? ''))
    throw new ValidationError('A multipart/form-data body needs a `boundary` parameter in its Content-Type.', [
      { path: 'headers.content-type', message: 'has no boundary' },
    ]);
  for await (const part of request.parts(options)) {
    if (part.type === 'field') {
      if (part.fieldname === 'name' && !name) name = parseName(String(part.value));
      continue;
    }
    if (record) throw new ValidationError('Send exactly one file part per upload.');
    if (!name)
      throw new ValidationError('A dataset name is required: send the `name` field before the file part, or ?name=.', [
        { path: 'name', message: 'is required' },
      ]);
    record = await upload(name, uploadFormatFromFilename(part.filename), part.file);
  }
  if (!record)
    throw new ValidationError('The multipart body has no file part.', [{ path: 'file', message: 'is required' }]);
  return record;
}

function parseName(value: string): string {
  const parsed = datasetName.safeParse(value);
  if (!parsed.success)
    throw new ValidationError(`The dataset name is invalid: ${parsed.error.issues[0]?.message}`, [
      { path: 'name', message: parsed.error.issues[0]?.message ?? 'is invalid' },
    ]);
  return parsed.data;
}
