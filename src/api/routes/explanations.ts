import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.ts';
import { ExplanationService } from '../../serving/explanation-service.ts';
import { instancesFromRows } from '../../serving/tf-serving-format.ts';
import { projectOf } from '../plugins/auth.ts';
import { explainBody, explainResponse } from '../schemas/explanations.ts';
import { targets } from './predictions.ts';
import { answerServingErrors, plainJson, servingErrorResponses } from './serving-errors.ts';
import { refOf, type VersionParams } from './version-ref.ts';

/**
 * `:explain` beside `:predict` on the same three paths, same scope and quota: each instance's
 * prediction with attributions in the dataset's columns (serving/explanation-service.ts).
 */
export const explanationRoutes: FastifyPluginAsyncZod<{ deps: Deps }> = async (app, { deps }) => {
  const explanations = new ExplanationService(deps.predictions, deps.config);
  answerServingErrors(app);
  for (const target of targets) {
    app.post(
      `${target.path}::explain`,
      {
        config: { auth: 'predict' },
        serializerCompiler: plainJson,
        schema: {
          tags: ['predict'],
          summary: `Explain predictions of ${target.what}`,
          description:
            'Feature attributions per instance: sampled Shapley values against the background sample stored ' +
            'with the version, integrated gradients or SmoothGrad; per pixel (with a PNG heatmap) for images, ' +
            'per token for text, per time step and feature for sequences. 409 `explanation_unavailable` for a ' +
            'version without a background sample; 422 `explanation_method_unsupported` for a method its kind ' +
            'cannot use.',
          params: target.params,
          body: explainBody,
          response: { 200: explainResponse, ...servingErrorResponses(400, 404, 409, 413, 422, 429, 503) },
        },
      },
      async (request) =>
        explanations.explain(
          projectOf(request),
          request.params.name,
          refOf(request.params as VersionParams),
          instancesFromRows(request.body.instances),
          request.body.explanation ?? {},
        ),
    );
  }
};
