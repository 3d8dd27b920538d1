/**
 * Child process of the benchmark: the floor of a prediction endpoint. A bare Fastify route that
 * does only what any authenticated one-row `:predict` of this service must do, with the service's
 * own parts and nothing around them: the same route pattern, the bearer key hashed and looked up
 * in a map (the form keys are stored and cached in), the body and path validated by the API's own
 * zod schemas, the instance encoded by the version's preprocessing, the served model's forward
 * pass in plain JavaScript (src/serving/dense-forward.ts), its output decoded to the API's answer,
 * and the API's access line at info. No rate limits, quotas, metrics, model cache, micro-batching,
 * version lookup or shutdown bookkeeping: what the service adds on top of this is what it spends
 * beyond the floor.
 *
 * FLOOR_MODEL_FILE names a JSON file written by the benchmark: the model's TensorFlow.js
 * artifacts (weights as base64), its preprocessing state, and the API key to accept.
 */
import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { versionParams } from '../src/api/schemas/models.ts';
import { predictBody } from '../src/api/schemas/tf-serving.ts';
import { hashSecret } from '../src/auth/api-keys.ts';
import { createLogger } from '../src/logger.ts';
import { ensureBackend, tf } from '../src/ml/backend.ts';
import { accessLog } from '../src/observability/access-log.ts';
import { requestLogger } from '../src/observability/request-logger.ts';
import type { PreprocessingState } from '../src/preprocessing/preprocessing-state.ts';
import { denseForward } from '../src/serving/dense-forward.ts';
import { tabularAdapter } from '../src/serving/tabular-input-adapter.ts';

interface FloorModel {
  modelTopology: tf.io.ModelArtifacts['modelTopology'];
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: string;
  preprocessing: PreprocessingState;
  apiKey: string;
  projectId: string;
}

await ensureBackend();
const given = JSON.parse(readFileSync(process.env.FLOOR_MODEL_FILE ?? '', 'utf8')) as FloorModel;
const weights = Buffer.from(given.weightData, 'base64');
const model = await tf.loadLayersModel(
  tf.io.fromMemory({
    modelTopology: given.modelTopology,
    weightSpecs: given.weightSpecs,
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  }),
);
const adapter = tabularAdapter(given.preprocessing);
const forward = denseForward(model, adapter.rowSize);
if (forward === undefined) throw new Error('the floor serves dense models only');

const keys = new Map([[hashSecret(given.apiKey), { kind: 'key', projectId: given.projectId }]]);
const BEARER = /^Bearer\s+(\S+)\s*$/i;

const app = Fastify({
  loggerInstance: createLogger('info') as FastifyBaseLogger,
  logController: new LogController({ disableRequestLogging: true }),
  // The request's logger as the API makes it: only when the request logs through it.
  childLoggerFactory: requestLogger,
}).withTypeProvider<ZodTypeProvider>();
app.setValidatorCompiler(validatorCompiler);
await app.register(accessLog);
// Quiet while it starts listening (Fastify logs its address at info): the first line on standard
// output must be the port.
app.log.level = 'warn';
app.post(
  '/v1/models/:name/versions/:version(^\\d+)::predict',
  { schema: { params: versionParams, body: predictBody } },
  async (request, reply) => {
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    const principal = token === undefined ? undefined : keys.get(hashSecret(token));
    if (principal === undefined) return reply.code(401).send({ code: 'unauthorized' });
    (request as unknown as { principal: unknown }).principal = principal;
    const instances = request.body.instances ?? [];
    const x = adapter.encode(instances) as Float32Array;
    const predictions = adapter.decode(forward(x, instances.length), instances.length);
    const answer = { predictions, model: { name: request.params.name, version: request.params.version } };
    return reply.type('application/json').send(JSON.stringify(answer));
  },
);
await app.listen({ host: '127.0.0.1', port: 0 });
app.log.level = 'info';
const address = app.server.address();
process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
process.on('SIGTERM', () => void app.close().finally(() => process.exit(0)));
