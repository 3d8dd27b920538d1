import { inflateSync, gunzipSync } from 'node:zlib';
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
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../../errors.ts';
import {
  classificationCounts,
  inputSpecs,
  instancesFromTensors,
  outputSpecs,
  outputTensors,
  type V2Datatype,
} from '../../serving/open-inference-format.ts';
import { makeProblem } from '../problem.ts';
import { sendProblem } from '../plugins/problem-handler.ts';
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
function readBinaryTensorBodies(app: FastifyInstance, maxInflatedBytes: number): void {
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
        const bytes = inflated(request, body as Buffer, maxInflatedBytes);
        const headerLength = request.headers[HEADER_LENGTH];
        if (typeof headerLength !== 'string') return done(null, parseJson(request, bytes.toString('utf8')));
        // The header length counts the JSON as sent before compression, so it applies to the inflated body.
        const { header, data } = splitBinaryBody(bytes, headerLength, (text) => parseJson(request, text));
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
 * The body as sent before compression: Triton's client compresses requests with gzip or deflate
 * (`Content-Encoding`, its `request_compression_algorithm`). Inflating stops at
 * `maxBytes` (413), so a small compressed body cannot become a huge one in memory.
 */
function inflated(request: FastifyRequest, body: Buffer, maxBytes: number): Buffer {
  const encoding = String(request.headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  if (encoding === 'identity' || encoding === '') return body;
  if (encoding !== 'gzip' && encoding !== 'deflate' && encoding !== 'x-gzip')
    throw new UnsupportedMediaTypeError(`Content-Encoding '${encoding}' is not read here; send gzip, deflate or none.`);
  try {
    return encoding === 'deflate'
      ? inflateSync(body, { maxOutputLength: maxBytes })
      : gunzipSync(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new PayloadTooLargeError(maxBytes);
    throw new ValidationError(`The body is not valid ${encoding} data: ${(error as Error).message}`, [
      { path: 'headers.content-encoding', message: `the body does not inflate as ${encoding}` },
    ]);
  }
}

/** Triton's model configuration datatypes (`TYPE_*`) for V2 datatypes. */
const CONFIG_TYPES: Record<V2Datatype, string> = {
  BOOL: 'TYPE_BOOL',
  UINT8: 'TYPE_UINT8',
  UINT16: 'TYPE_UINT16',
  UINT32: 'TYPE_UINT32',
  UINT64: 'TYPE_UINT64',
  INT8: 'TYPE_INT8',
  INT16: 'TYPE_INT16',
  INT32: 'TYPE_INT32',
  INT64: 'TYPE_INT64',
  FP16: 'TYPE_FP16',
  FP32: 'TYPE_FP32',
  FP64: 'TYPE_FP64',
  BYTES: 'TYPE_STRING',
};

const configTensor = z.object({ name: z.string(), data_type: z.string(), dims: z.array(z.number().int()) });
const modelConfigResponse = z
  .object({
    name: z.string(),
    platform: z.string(),
    backend: z.string(),
    max_batch_size: z.number().int(),
    version_policy: z.object({ specific: z.object({ versions: z.array(z.string()) }) }),
    input: z.array(configTensor),
    output: z.array(configTensor),
  })
  .meta({
    id: 'V2ModelConfig',
    description: 'A minimal Triton model configuration (dims exclude the batch dimension)',
  });

/**
 * The Open Inference Protocol (KServe V2 / Triton) REST API. A model name is the project's
 * model; without a version, the production alias (else the newest version) serves. Health
 * and server metadata are public, model metadata needs `read`, inference `predict`.
 */
export const openInferenceRoutes: FastifyPluginAsyncZod<{ deps: Deps }> = async (app, { deps }) => {
  const { predictions } = deps;
  answerServingErrors(app);
  readBinaryTensorBodies(app, deps.config.MAX_INFLATED_BODY_BYTES);
  // An unknown route under /v2 answers with V2's `error` member too: Triton's client reads it.
  await app.register(
    async (scope) => {
      scope.setNotFoundHandler(async (request, reply) => {
        const detail = `No route ${request.method} ${request.url.split('?')[0]}.`;
        const problem = makeProblem('route_not_found', detail, { instance: request.url, requestId: request.id });
        problem.error = detail;
        await sendProblem(reply, problem);
      });
    },
    { prefix: '/v2' },
  );

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
      `${base}/config`,
      {
        config: { auth: 'read' },
        schema: {
          tags: ['open-inference'],
          summary: `Triton-style model configuration of ${which}`,
          description:
            'What Triton clients read with get_model_config: the inputs (one per feature), the outputs and ' +
            'the largest batch. The model itself is a TensorFlow.js (or ONNX) model of this service.',
          params: typedParams,
          response: { 200: modelConfigResponse, ...servingErrorResponses(400, 404) },
        },
      },
      async (request) => {
        const resolved = await predictions.resolve(
          projectOf(request),
          request.params.name,
          refOf(request.params as VersionParams),
        );
        const { inputSchema, outputSchema } = await predictions.signature(resolved);
        const tensor = (spec: { name: string; datatype: V2Datatype; shape: number[] }) => ({
          name: spec.name,
          data_type: CONFIG_TYPES[spec.datatype],
          dims: spec.shape.slice(1),
        });
        return {
          name: resolved.model,
          platform: 'tensorflowjs',
          backend: 'maas',
          max_batch_size: deps.config.MAX_PREDICT_INSTANCES,
          version_policy: { specific: { versions: [String(resolved.version)] } },
          input: inputSpecs(inputSchema)
            .filter((spec) => spec.shape[1] === 1)
            .map(tensor),
          output: outputSpecs(outputSchema).map(tensor),
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
        let classification = new Map<string, number>();
        const result = await predictions.predict(
          projectOf(request),
          request.params.name,
          refOf(request.params as VersionParams),
          async (resolved) => {
            const { inputSchema, outputSchema } = await predictions.signature(resolved);
            // Checked before the model runs: a bad request costs no model call.
            classification = classificationCounts(body.outputs, outputSchema);
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
          classification,
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
