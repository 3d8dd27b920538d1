import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { importedFormat } from '../../datasets/dataset-format.ts';
import { openImportSource } from '../../datasets/import-source.ts';
import { UploadAbortedError } from '../../datasets/store-upload.ts';
import { uploadDataset } from '../../datasets/upload.ts';
import type { Deps } from '../../deps.ts';
import { UnprocessableError, UnsupportedMediaTypeError } from '../../errors.ts';
import { AddressPolicy } from '../../network/address-policy.ts';
import { projectOf } from '../plugins/auth.ts';
import { errorResponses } from '../schemas/common.ts';
import { datasetImportRequest, datasetSchema, toDataset } from '../schemas/datasets.ts';

export const datasetImportRoutes: FastifyPluginAsyncZod<{ deps: Deps }> = async (app, { deps }) => {
  const { db, store, config, quotas } = deps;
  const policy = new AddressPolicy(config.IMPORT_ALLOWED_ADDRESSES, {
    setting: 'IMPORT_ALLOWED_ADDRESSES',
    purpose: 'dataset imports',
  });

  app.post(
    '/v1/dataset-imports',
    {
      config: { auth: 'write', idempotency: 'json' },
      schema: {
        tags: ['datasets'],
        summary: 'Create a dataset from a file the service fetches itself, by HTTPS or s3:// URL',
        description:
          'The service reads the URL and ingests its body as POST /v1/datasets ingests an upload (CSV, NDJSON, ' +
          'Parquet or a ZIP of images; the same limits, MAX_UPLOAD_BYTES included), then answers 201 with the ' +
          'dataset. Loopback, link-local and private addresses are refused (422 `import_url_refused`), for the URL ' +
          'and every redirect, unless the operator allows them (IMPORT_ALLOWED_ADDRESSES); s3:// URLs read buckets ' +
          "listed in IMPORT_S3_BUCKETS with the service's S3 endpoint and credentials. A source that answers an " +
          'error or cannot be reached is 422 `import_source_failed`. Nothing is kept when the import fails.',
        body: datasetImportRequest,
        response: { 201: datasetSchema, ...errorResponses(400, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const projectId = projectOf(request);
      const limits = await quotas.limits(projectId);
      const { url, name } = request.body;
      const source = await openImportSource(url, {
        policy,
        settings: config,
        maxBytes: config.MAX_UPLOAD_BYTES,
      });
      try {
        const format = request.body.format ?? importedFormat(source.contentType, source.path);
        if (format === undefined)
          throw new UnsupportedMediaTypeError(
            `The source's Content-Type (${source.contentType ?? 'none'}) and path name no dataset format; ` +
              'say it with `format` (csv, ndjson, parquet or zip).',
          );
        const record = await uploadDataset({
          db,
          store,
          projectId,
          name,
          format,
          source: source.body,
          maxBytes: config.MAX_UPLOAD_BYTES,
          archiveLimits: { maxImagePixels: config.MAX_IMAGE_PIXELS },
          quotas: limits,
        });
        return reply.code(201).header('location', `/v1/datasets/${record.id}`).send(toDataset(record));
      } catch (error) {
        // Here the body is the source's, not the client's: its end is the source failing.
        if (error instanceof UploadAbortedError)
          throw new UnprocessableError(
            'import_source_failed',
            'The import source could not be read: it stopped before its body was complete; nothing was stored.',
          );
        throw error;
      } finally {
        source.close();
      }
    },
  );
};
