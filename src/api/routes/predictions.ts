import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.ts';
import type { VersionRef } from '../../registry/model-registry.ts';
import type { PredictionService } from '../../serving/prediction-service.ts';
import { projectOf } from '../plugins/auth.ts';
import { errorResponses } from '../schemas/common.ts';
import { aliasName, modelParams, modelSchema } from '../schemas/models.ts';
import { modelName } from '../schemas/training-jobs.ts';
import { loadModelSummary } from './models.ts';

const predictBody = z
  .object({
    instances: z.array(z.unknown()).describe('Objects keyed by feature name, or arrays in input-schema order'),
    signature_name: z.string().optional().describe('Accepted for TensorFlow Serving clients; every model has one signature'),
  })
  .strict()
  .meta({ id: 'PredictRequest' });

const prediction = z.union([
  z.object({ label: z.union([z.string(), z.number(), z.boolean()]), probabilities: z.record(z.string(), z.number()) }),
  z.object({ value: z.number() }),
]);

const predictResponse = z
  .object({ predictions: z.array(prediction), model: z.object({ name: z.string(), version: z.number().int() }) })
  .meta({ id: 'PredictResponse' });

// A literal `:verb` after a parameter needs the parameter to be a regex, or the router
// reads `name::predict` as the parameter's name.
const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]*';
const ALIAS_PATTERN = '^[a-z][a-z0-9_-]*';

const responses = { 200: predictResponse, ...errorResponses(400, 404, 503) };

/** The prediction routes, on TensorFlow Serving's REST paths so its clients work unchanged. */
export const predictionRoutes: FastifyPluginAsyncZod<{ deps: Deps; predictions: PredictionService }> = async (app, { deps: { db }, predictions }) => {
  const predict = (projectId: string, name: string, ref: VersionRef, instances: unknown[]) => predictions.predict(projectId, name, ref, instances);

  app.post(`/v1/models/:name/versions/:version(^\\d+)::predict`, {
    config: { auth: 'predict' },
    schema: {
      tags: ['predict'], summary: 'Predict with a given version',
      params: z.object({ name: modelName, version: z.coerce.number().int().min(1) }), body: predictBody, response: responses,
    },
  }, async (request) => predict(projectOf(request), request.params.name, { version: request.params.version }, request.body.instances));

  app.post(`/v1/models/:name/labels/:alias(${ALIAS_PATTERN})::predict`, {
    config: { auth: 'predict' },
    schema: { tags: ['predict'], summary: 'Predict with the version an alias points at', params: z.object({ name: modelName, alias: aliasName }), body: predictBody, response: responses },
  }, async (request) => predict(projectOf(request), request.params.name, { alias: request.params.alias }, request.body.instances));

  app.post(`/v1/models/:name(${NAME_PATTERN})::predict`, {
    config: { auth: 'predict' },
    schema: { tags: ['predict'], summary: 'Predict with the production alias, else the newest version', params: modelParams, body: predictBody, response: responses },
  }, async (request) => predict(projectOf(request), request.params.name, { latest: true }, request.body.instances));

  app.get('/v1/models/:name', {
    config: { auth: 'read' },
    schema: { tags: ['registry'], summary: 'Get a model: latest version and aliases', params: modelParams, response: { 200: modelSchema, ...errorResponses(404) } },
  }, async (request) => loadModelSummary(db, projectOf(request), request.params.name));
};
