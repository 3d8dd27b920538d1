import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.ts';
import {
  attachBinaryInputs,
  binaryResponse,
  HEADER_LENGTH,
  splitBinaryBody,
  wantsBinary,
} from '../../serving/binary-tensors.ts';
import { inputSpecs, instancesFromTensors, outputSpecs, outputTensors } from '../../serving/open-inference-format.ts';
import { serviceVersion } from '../../service-version.ts';
import { projectOf } from '../plugins/auth.ts';
import { modelParams, versionParams } from '../schemas/models.ts';
import {
  inferRequest,
  inferResponse,
  liveResponse,
  modelMetadataV2,
  modelReadyResponse,
  readyResponse,
  serverMetadataResponse,
} from '../schemas/open-inference.ts';
import { arrivalOf } from './prediction-arrivals.ts';
import { routingOf } from './routing-key.ts';
import { answerServingErrors, plainJson, servingErrorResponses, servingProblemSchema } from './serving-errors.ts';
import { refOf, type VersionParams } from './version-ref.ts';

const serverReady = z.object({ ready: z.boolean() });

/**
 * Reads every body of these routes as bytes: a JSON request as Fastify's own JSON parser would
 * (same limits and prototype-poisoning checks), and a request of the binary tensor data
 * extension (an `Inference-Header-Content-Length` header) as its JSON header with the binary
 * inputs filled in, before the body schema checks it. Triton's client sends binary requests
 * without a JSON content type, so octet-stream and untyped bodies are read here too.
 */
function readBinaryTensorBodies(app: FastifyInstance): void {
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  const parseJson = (request: FastifyRequest, text: string): unknown => {
    let parsed: unknown;
    defaultJson(request, text, (error, value) => {
      if (error) throw error;
      parsed = value;
    });
    return parsed;
  };
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    ['application/json', 'application/octet-stream', '*'],
    { parseAs: 'buffer' },
    (request, body, done) => {
      try {
        const headerLength = request.headers[HEADER_LENGTH];
        if (typeof headerLength !== 'string') return done(null, parseJson(request, (body as Buffer).toString('utf8')));
        const { header, data } = splitBinaryBody(body as Buffer, headerLength, (text) => parseJson(request, text));
        const inputs = (header as { inputs?: unknown } | null)?.inputs;
        // A malformed header is left to the body schema, which names what is wrong.
        if (Array.isArray(inputs) && inputs.every((input) => input !== null && typeof input === 'object'))
          attachBinaryInputs(inputs, data);
        done(null, header);
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
}

/**
 * The Open Inference Protocol (KServe V2 / Triton) REST API. A model name is the project's
 * model; without a version, the production alias (else the newest version) serves. Health
 * and server metadata are public, model metadata needs `read`, inference `predict`.
 */
export const openInferenceRoutes: FastifyPluginAsyncZod<{ deps: Deps }> = async (app, { deps }) => {
  const { predictions } = deps;
  answerServingErrors(app);
  readBinaryTensorBodies(app);

  app.get(
    '/v2',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['open-inference'],
        summary: 'Server metadata',
        response: { 200: serverMetadataResponse, 503: servingProblemSchema },
      },
    },
    async () => ({ name: 'maas', version: serviceVersion, extensions: ['binary_tensor_data'] }),
  );

  app.get(
    '/v2/health/live',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['open-inference'],
        summary: 'Server liveness',
        response: { 200: liveResponse, 503: servingProblemSchema },
      },
    },
    async () => ({ live: true }),
  );

  app.get(
    '/v2/health/ready',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['open-inference'],
        summary: 'Server readiness: the registry (PostgreSQL) answers',
        response: { 200: readyResponse, 503: serverReady },
      },
    },
    async (_request, reply) => {
      const ready = await deps.db.$queryRaw`SELECT 1`.then(
        () => true,
        () => false,
      );
      return reply.code(ready ? 200 : 503).send({ ready });
    },
  );

  for (const [suffix, params] of [
    ['', modelParams],
    ['/versions/:version', versionParams],
  ] as const) {
    const base = `/v2/models/:name${suffix}`;
    const typedParams = params as unknown as typeof modelParams;
    const which = suffix ? 'a version' : 'the default version (production alias, else newest)';

    app.get(
      base,
      {
        config: { auth: 'read' },
        schema: {
          tags: ['open-inference'],
          summary: `Model metadata of ${which}: typed, shaped inputs and outputs`,
          params: typedParams,
          response: { 200: modelMetadataV2, ...servingErrorResponses(400, 404) },
        },
      },
      async (request) => {
        const projectId = projectOf(request);
        const resolved = await predictions.resolve(
          projectId,
          request.params.name,
          refOf(request.params as VersionParams),
        );
        const { inputSchema, outputSchema } = await predictions.signature(resolved);
        const versions = suffix
          ? [String(resolved.version)]
          : (await predictions.versionsOf(projectId, resolved.model)).map(String);
        return {
          name: resolved.model,
          versions,
          platform: 'tensorflowjs',
          inputs: inputSpecs(inputSchema),
          outputs: outputSpecs(outputSchema),
        };
      },
    );

    app.get(
      `${base}/ready`,
      {
        config: { auth: 'read' },
        schema: {
          tags: ['open-inference'],
          summary: `Readiness of ${which}: loads and warms it up when needed`,
          params: typedParams,
          response: { 200: modelReadyResponse, ...servingErrorResponses(400, 404, 503) },
        },
      },
      async (request) => {
        const resolved = await predictions.resolve(
          projectOf(request),
          request.params.name,
          refOf(request.params as VersionParams),
        );
        await predictions.ensureLoaded(resolved);
        return { name: resolved.model, version: String(resolved.version), ready: true };
      },
    );

    app.post(
      `${base}/infer`,
      {
        config: { auth: 'predict' },
        serializerCompiler: plainJson,
        schema: {
          tags: ['open-inference'],
          summary: `Inference with ${which}`,
          description:
            'Tensor data in JSON, or binary (the binary tensor data extension): ' +
            'the JSON request of `Inference-Header-Content-Length` bytes, ' +
            'then the data of each input that gives `parameters.binary_data_size`, in order. ' +
            "Outputs asked for with `parameters.binary_data` (or the request's `binary_data_output`) " +
            'come back the same way, as application/octet-stream. On a split default alias, the ' +
            '`X-Maas-Routing-Key` header keeps a caller on one version; logged requests answer ' +
            '`parameters.prediction_ids` (comma-separated, one per instance).',
          params: typedParams,
          body: inferRequest,
          response: { 200: inferResponse, ...servingErrorResponses(400, 404, 413, 422, 429, 503) },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const result = await predictions.predict(
          projectOf(request),
          request.params.name,
          refOf(request.params as VersionParams),
          async (resolved) => {
            const { inputSchema } = await predictions.signature(resolved);
            return instancesFromTensors(body.inputs, inputSchema);
          },
          arrivalOf(request),
          routingOf(request),
        );
        const { outputSchema } = await predictions.signature(result.resolved);
        const outputs = outputTensors(
          result.predictions,
          outputSchema,
          body.outputs?.map((o) => o.name),
        );
        const answer = {
          model_name: result.model.name,
          model_version: String(result.model.version),
          ...(body.id === undefined ? {} : { id: body.id }),
          // Logged requests: the instances' prediction ids, comma-separated (parameters hold scalars).
          ...(result.predictionIds ? { parameters: { prediction_ids: result.predictionIds.join(',') } } : {}),
          outputs,
        };
        const binary = (name: string) => wantsBinary(name, body.parameters, body.outputs);
        if (!outputs.some((output) => binary(output.name))) return answer;
        const { body: bytes, headerLength } = binaryResponse(answer, binary);
        // The extension's framing, not the JSON the response schema types (documented in `description`).
        return reply
          .header(HEADER_LENGTH, headerLength)
          .type('application/octet-stream')
          .send(bytes as never);
      },
    );
  }
};
