import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.ts';
import { signatureMetadata, versionStatus } from '../../serving/tf-serving-format.ts';
import { projectOf } from '../plugins/auth.ts';
import { aliasName, modelParams, modelSchema, versionParams } from '../schemas/models.ts';
import { modelMetadataResponse, modelStatusResponse, modelVersionStatus } from '../schemas/tf-serving.ts';
import { modelName } from '../schemas/training-jobs.ts';
import { loadModelSummary } from './models.ts';
import { answerServingErrors, servingErrorResponses } from './serving-errors.ts';
import { refOf, type VersionParams } from './version-ref.ts';

const modelWithStatus = modelSchema
  .extend({ model_version_status: modelVersionStatus })
  .meta({ id: 'ModelWithStatus' });
const aliasParams = z.object({ name: modelName, alias: aliasName });

/**
 * TF Serving's model status and metadata routes. `GET /v1/models/{name}` is also the
 * registry's model route, so it answers both: the registry fields and `model_version_status`.
 * (`GET /v1/models/{name}/versions/{version}` is the registry's version route and stays so.)
 */
export const tfServingStatusRoutes: FastifyPluginAsyncZod<{ deps: Deps }> = async (
  app,
  { deps: { db, predictions } },
) => {
  answerServingErrors(app);

  app.get(
    '/v1/models/:name',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['registry'],
        summary: 'Get a model: latest version, aliases, and TF Serving status of every version',
        params: modelParams,
        response: { 200: modelWithStatus, ...servingErrorResponses(404) },
      },
    },
    async (request) => {
      const projectId = projectOf(request);
      const summary = await loadModelSummary(db, projectId, request.params.name);
      const versions = await predictions.versionsOf(projectId, request.params.name);
      return { ...summary, model_version_status: versions.map(versionStatus) };
    },
  );

  app.get(
    '/v1/models/:name/labels/:alias',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['predict'],
        summary: 'TF Serving status of the version an alias points at',
        params: aliasParams,
        response: { 200: modelStatusResponse, ...servingErrorResponses(404) },
      },
    },
    async (request) => {
      const resolved = await predictions.resolve(projectOf(request), request.params.name, {
        alias: request.params.alias,
      });
      return { model_version_status: [versionStatus(resolved.version)] };
    },
  );

  const metadata = [
    {
      path: '/v1/models/:name/metadata',
      params: modelParams,
      what: 'the default version (production alias, else newest)',
    },
    { path: '/v1/models/:name/versions/:version/metadata', params: versionParams, what: 'a version' },
    { path: '/v1/models/:name/labels/:alias/metadata', params: aliasParams, what: 'the version an alias points at' },
  ] as const;
  for (const route of metadata) {
    app.get(
      route.path,
      {
        config: { auth: 'read' },
        schema: {
          tags: ['predict'],
          summary: `TF Serving metadata (signature) of ${route.what}`,
          params: route.params as unknown as typeof modelParams,
          response: { 200: modelMetadataResponse, ...servingErrorResponses(400, 404) },
        },
      },
      async (request) => {
        const params = request.params as VersionParams;
        const resolved = await predictions.resolve(projectOf(request), params.name, refOf(params));
        return signatureMetadata(resolved.model, resolved.version, await predictions.signature(resolved));
      },
    );
  }
};
