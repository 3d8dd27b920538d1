import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.ts';
import type { Arrival } from '../../serving/arrivals.ts';
import type { PredictOptions } from '../../serving/prediction-service.ts';
import {
  classifyResult,
  columnarOutputs,
  instancesFromColumns,
  instancesFromExamples,
  instancesFromRows,
  regressResult,
} from '../../serving/tf-serving-format.ts';
import { projectOf } from '../plugins/auth.ts';
import { aliasName, modelParams, versionParams } from '../schemas/models.ts';
import {
  classifyResponse,
  examplesBody,
  predictBody,
  predictResponse,
  regressResponse,
} from '../schemas/tf-serving.ts';
import { modelName } from '../schemas/training-jobs.ts';
import { arrivalOf } from './prediction-arrivals.ts';
import { routingOf } from './routing-key.ts';
import { answerServingErrors, plainJson, servingErrorResponses } from './serving-errors.ts';
import { tfServingStatusRoutes } from './tf-serving.ts';
import { refOf, type VersionParams } from './version-ref.ts';

// A literal `:verb` after a parameter needs the parameter to be a regex, or the router
// reads `name::predict` as the parameter's name.
const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]*';
const ALIAS_PATTERN = '^[a-z][a-z0-9_-]*';

/** The three ways TF Serving names what serves a request. */
export const targets = [
  {
    path: '/v1/models/:name/versions/:version(^\\d+)',
    params: versionParams,
    what: 'a given version',
  },
  {
    path: `/v1/models/:name/labels/:alias(${ALIAS_PATTERN})`,
    params: z.object({ name: modelName, alias: aliasName }),
    what: 'the version an alias points at',
  },
  {
    path: `/v1/models/:name(${NAME_PATTERN})`,
    params: modelParams,
    what: 'the production alias, else the newest version',
  },
] as const;

/**
 * TensorFlow Serving's REST API (`:predict`, `:classify`, `:regress`, model status and
 * metadata) on its own paths, so its clients work unchanged. Errors carry TF Serving's
 * `error` member besides the problem+json fields.
 */
export const predictionRoutes: FastifyPluginAsyncZod<{ deps: Deps }> = async (app, { deps }) => {
  const { predictions } = deps;
  answerServingErrors(app);
  const errors = servingErrorResponses(400, 404, 413, 422, 429, 503);

  for (const target of targets) {
    app.post(
      `${target.path}::predict`,
      {
        config: { auth: 'predict' },
        serializerCompiler: plainJson,
        schema: {
          tags: ['predict'],
          summary: `Predict with ${target.what}`,
          description:
            'Row format (`instances`) answers `predictions`; columnar format (`inputs`) answers `outputs`. ' +
            'Values may be `{"b64": ...}`. An instance may be a whole record of the training dataset: its ' +
            'columns the model does not read (an id, the target) are ignored; names never in the dataset are ' +
            'refused. `passthrough` keys are echoed beside each prediction; a prediction lists the features it ' +
            'imputed in `imputed`. On a split alias, `X-Maas-Routing-Key` keeps a caller on one version; ' +
            '`model.version` says which served. `predictionIds` (one per instance) come with logged requests.',
          params: target.params,
          body: predictBody,
          response: { 200: predictResponse, ...errors },
        },
      },
      async (request) => {
        const { instances, inputs } = request.body;
        const rows = instances !== undefined ? instancesFromRows(instances) : instancesFromColumns(inputs);
        const result = await predictions.predict(
          projectOf(request),
          request.params.name,
          refOf(request.params as VersionParams),
          rows,
          arrivalOf(request),
          { ...routingOf(request), passthrough: request.body.passthrough },
        );
        const ids = result.predictionIds ? { predictionIds: result.predictionIds } : {};
        if (instances !== undefined) return { predictions: result.predictions, model: result.model, ...ids };
        const { outputSchema } = await predictions.signature(result.resolved);
        return { outputs: columnarOutputs(result.predictions, outputSchema), model: result.model, ...ids };
      },
    );

    const examples = async (
      params: VersionParams,
      projectId: string,
      body: z.infer<typeof examplesBody>,
      verb: 'classify' | 'regress',
      arrival?: Arrival,
      routing?: PredictOptions,
    ) => {
      const instances = instancesFromExamples(body.examples, body.context);
      // The task is checked before predicting, so a wrong verb costs no model call.
      const result = await predictions.predict(
        projectId,
        params.name,
        refOf(params),
        async (resolved) => {
          const { outputSchema } = await predictions.signature(resolved);
          if (verb === 'classify') classifyResult([], outputSchema);
          else regressResult([], outputSchema);
          return instances;
        },
        arrival,
        routing,
      );
      return { predictions: result.predictions, ...(await predictions.signature(result.resolved)) };
    };

    app.post(
      `${target.path}::classify`,
      {
        config: { auth: 'predict' },
        serializerCompiler: plainJson,
        schema: {
          tags: ['predict'],
          summary: `Classify examples with ${target.what}`,
          params: target.params,
          body: examplesBody,
          response: { 200: classifyResponse, ...errors },
        },
      },
      async (request) => {
        const { predictions: rows, outputSchema } = await examples(
          request.params as VersionParams,
          projectOf(request),
          request.body,
          'classify',
          arrivalOf(request),
          routingOf(request),
        );
        return { result: classifyResult(rows, outputSchema) };
      },
    );

    app.post(
      `${target.path}::regress`,
      {
        config: { auth: 'predict' },
        serializerCompiler: plainJson,
        schema: {
          tags: ['predict'],
          summary: `Regress examples with ${target.what}`,
          params: target.params,
          body: examplesBody,
          response: { 200: regressResponse, ...errors },
        },
      },
      async (request) => {
        const { predictions: rows, outputSchema } = await examples(
          request.params as VersionParams,
          projectOf(request),
          request.body,
          'regress',
          arrivalOf(request),
          routingOf(request),
        );
        return { result: regressResult(rows, outputSchema) };
      },
    );
  }

  await app.register(tfServingStatusRoutes, { deps });
};
