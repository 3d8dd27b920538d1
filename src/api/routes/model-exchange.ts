import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.ts';
import { NotFoundError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../../errors.ts';
import { exportVersionArchive } from '../../registry/model-export.ts';
import { importModelVersion, type ImportSpec } from '../../registry/model-import.ts';
import { findModel } from '../../registry/model-registry.ts';
import { projectOf } from '../plugins/auth.ts';
import { errorResponses } from '../schemas/common.ts';
import { importSpecSchema } from '../schemas/model-exchange.ts';
import { modelVersionSchema, toModelVersion, versionParams } from '../schemas/models.ts';

const MULTIPART_BOUNDARY = /;\s*boundary=(?:"[^"]+"|[^\s;"]+)/i;
// model.json plus shards: the converter writes 4 MB shards, so 64 files hold a 256 MB model.
const MAX_FILES = 64;
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** Reads the multipart import: the `spec` field, then files by name, all files together at most `maxBytes`. */
async function readImport(request: FastifyRequest, maxBytes: number) {
  if (!request.isMultipart() || !MULTIPART_BOUNDARY.test(request.headers['content-type'] ?? ''))
    throw new UnsupportedMediaTypeError(
      'A model import is multipart/form-data (with a boundary): a `spec` field, then the model files.',
    );
  let spec: ImportSpec | undefined;
  const files = new Map<string, Buffer>();
  let total = 0;
  // One byte past the limit and no throw: the loop meets the overflow and answers 413 itself.
  const options = { limits: { fileSize: maxBytes + 1, files: MAX_FILES + 1, fields: 4 }, throwFileSizeLimit: false };
  for await (const part of request.parts(options)) {
    if (part.type === 'field') {
      if (part.fieldname !== 'spec') continue;
      let json: unknown;
      try {
        json = JSON.parse(String(part.value));
      } catch {
        throw new ValidationError('The `spec` field is not valid JSON.', [{ path: 'spec', message: 'is not JSON' }]);
      }
      const parsed = importSpecSchema.safeParse(json);
      if (!parsed.success)
        throw new ValidationError(
          'The import `spec` is invalid.',
          parsed.error.issues.slice(0, 50).map((i) => ({ path: ['spec', ...i.path].join('.'), message: i.message })),
        );
      spec = parsed.data as ImportSpec;
      continue;
    }
    const name = (part.filename || part.fieldname).split(/[\\/]/).pop() ?? '';
    if (!FILE_NAME.test(name))
      throw new ValidationError(`The file name '${name.slice(0, 140)}' is not a plain file name.`, [
        { path: `files.${name.slice(0, 140)}`, message: 'letters, digits, _ . - only' },
      ]);
    if (files.has(name))
      throw new ValidationError(`The file '${name}' was sent twice.`, [
        { path: `files.${name}`, message: 'is a duplicate' },
      ]);
    if (files.size >= MAX_FILES)
      throw new ValidationError(`At most ${MAX_FILES} files per import.`, [
        { path: 'files', message: 'too many files' },
      ]);
    const chunks: Buffer[] = [];
    for await (const chunk of part.file as AsyncIterable<Buffer>) {
      total += chunk.byteLength;
      if (total > maxBytes) throw new PayloadTooLargeError(maxBytes);
      chunks.push(chunk);
    }
    files.set(name, Buffer.concat(chunks));
  }
  if (!spec)
    throw new ValidationError('The import needs a `spec` field (JSON).', [{ path: 'spec', message: 'is required' }]);
  return { spec, files };
}

const versionInclude = {
  aliases: { select: { alias: true } },
  dataset: { select: { name: true, version: true } },
} as const;

/**
 * Bring your own model (`POST /v1/model-imports`) and take yours away
 * (`GET .../versions/{version}/artifact`). See registry/model-import.ts and model-export.ts.
 */
export const modelExchangeRoutes: FastifyPluginAsyncZod<{ deps: Deps }> = async (
  app,
  { deps: { db, store, config, quotas, routeChanges } },
) => {
  app.post(
    '/v1/model-imports',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['registry'],
        summary: 'Import a version of a model trained elsewhere (TensorFlow.js layers model or ONNX)',
        description:
          'multipart/form-data: a `spec` field (ModelImportSpec, JSON) first, then the files: `model.json` and every ' +
          'weight shard it names (as the TensorFlow.js converter writes a Keras model), or one `model.onnx` whose one ' +
          'float32 input is [N, width] (the encoded row) and whose first output is [N, K] probabilities in label order ' +
          '(or [N, 1]: a sigmoid for two labels, or a regression value). Declare the input as raw `features` (given to ' +
          'the model as they are) or as a fitted `preprocessing` (an exported version\u2019s preprocessing.json). The ' +
          'files are checked against each other and the model against the declared schema before anything is stored. ' +
          'The version gets the next number of the model (created if new) with `imported` lineage. All files together ' +
          'at most MAX_MODEL_UPLOAD_BYTES.',
        consumes: ['multipart/form-data'],
        response: { 201: modelVersionSchema, ...errorResponses(400, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const projectId = projectOf(request);
      const { spec, files } = await readImport(request, config.MAX_MODEL_UPLOAD_BYTES);
      const number = await importModelVersion(db, store, projectId, spec, files, await quotas.limits(projectId));
      // A new newest version is the default path's answer while no `production` alias is set.
      await routeChanges.changed({ projectId, model: spec.modelName });
      const model = await findModel(db, projectId, spec.modelName);
      const version = await db.modelVersion.findUniqueOrThrow({
        where: { modelId_version: { modelId: model.id, version: number } },
        include: versionInclude,
      });
      const previous = await db.modelVersion.findFirst({
        where: { modelId: model.id, version: { lt: number } },
        orderBy: { version: 'desc' },
        select: { inputSchema: true },
      });
      return reply
        .code(201)
        .header('location', `/v1/models/${encodeURIComponent(model.name)}/versions/${number}`)
        .send(toModelVersion(model.name, version, previous));
    },
  );

  app.get(
    '/v1/models/:name/versions/:version/artifact',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['registry'],
        summary: 'Download a version as a .tar.gz: TensorFlow.js model (or ONNX), preprocessing JSON, schemas, README',
        description:
          'The archive holds `model.json` and `group1-shard1of1.bin` (a TensorFlow.js layers model in the converter\u2019s ' +
          'layout; `model.onnx` for an imported ONNX version), `preprocessing.json`, `signature.json` (input and ' +
          'output schemas) and a README. Its files import back unchanged with POST /v1/model-imports.',
        params: versionParams,
        produces: ['application/gzip'],
        response: {
          200: z.string().meta({ format: 'binary' }).describe('A gzipped tar archive'),
          ...errorResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const model = await findModel(db, projectOf(request), request.params.name);
      const version = await db.modelVersion.findUnique({
        where: { modelId_version: { modelId: model.id, version: request.params.version } },
      });
      if (!version) throw new NotFoundError(`Version of model '${model.name}'`, String(request.params.version));
      const archive = await exportVersionArchive(store, { ...version, model: model.name });
      const file = `${model.name}-v${version.version}.tar.gz`;
      return reply
        .type('application/gzip')
        .header('content-disposition', `attachment; filename="${file}"`)
        .send(archive as never);
    },
  );
};
