import { randomUUID } from 'node:crypto';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../deps.ts';
import { ServiceUnavailableError } from '../errors.ts';
import { transformOpenApiObject } from './openapi-document.ts';
import { authPlugin } from './plugins/auth.ts';
import { idempotencyPlugin } from './plugins/idempotency.ts';
import { problemHandler } from './plugins/problem-handler.ts';
import { datasetRoutes } from './routes/datasets.ts';
import { healthRoutes } from './routes/health.ts';
import { modelRoutes } from './routes/models.ts';
import { predictionRoutes } from './routes/predictions.ts';
import { projectRoutes } from './routes/projects.ts';
import { PredictionService } from '../serving/prediction-service.ts';
import { describeBackend, selectBackend } from '../ml/backend.ts';
import { trainingJobRoutes } from './routes/training-jobs.ts';
import { openInferenceRoutes } from './routes/open-inference.ts';
import { predictionArrivals } from './routes/prediction-arrivals.ts';
import { createMetrics } from '../observability/metrics.ts';
import { metricsPlugin } from '../observability/metrics-plugin.ts';
import { watchServiceState } from '../observability/service-gauges.ts';

export interface BuildAppOptions {
  /** Fastify's own logger; pass false in tests that want quiet output. */
  logger?: boolean;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * The whole HTTP API as one Fastify instance over the given infrastructure. `server.ts`,
 * the tests and the OpenAPI generator all build it through here.
 */
export async function buildApp(deps: Deps, opts: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: (opts.logger === false ? deps.logger.child({}, { level: 'silent' }) : deps.logger) as FastifyBaseLogger,
    // A client's own request id is kept when it is sane, so logs correlate across services.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    bodyLimit: 10 * 1024 * 1024,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  }).withTypeProvider<ZodTypeProvider>();

  let draining = false;
  app.addHook('onClose', async () => {
    draining = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (draining) throw new ServiceUnavailableError('shutting_down', 'The service is shutting down; retry on another instance.', 1);
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(problemHandler);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'maas — model-as-a-service API',
        version: '1.0.0',
        description: 'Upload datasets, train and evaluate models, manage versions and aliases, and serve predictions. Errors are RFC 9457 application/problem+json.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A project API key, or the operator admin token for /v1/projects' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: transformOpenApiObject,
  });
  app.addHook('onRoute', (route) => {
    // The documentation pages are public.
    if (route.url.startsWith('/docs')) route.config = { ...(route.config as object), auth: 'public' };
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
  const metrics = createMetrics();
  watchServiceState(metrics, deps);
  await app.register(metricsPlugin, { metrics });
  await app.register(multipart);
  // Before auth: prediction requests count as on their way to a batch from their first hook.
  await app.register(predictionArrivals, { arrivals: () => predictions.arrivals });
  await app.register(authPlugin, { db: deps.db, adminToken: deps.adminToken });
  await app.register(idempotencyPlugin, { deps });

  await app.register(healthRoutes, { deps, isDraining: () => draining });
  await app.register(projectRoutes, { deps });
  await app.register(datasetRoutes, { deps });
  await app.register(trainingJobRoutes, { deps, trainingQueue: deps.trainingQueue });
  await app.register(modelRoutes, { deps });
  // Predictions run on the best TensorFlow.js backend present (TF_BACKEND), chosen once per process.
  await selectBackend(deps.config.TF_BACKEND);
  deps.logger.info({ backend: describeBackend() }, 'prediction backend ready');
  const predictions = new PredictionService(deps.db, deps.store, deps.config);
  app.addHook('onClose', async () => predictions.close());
  predictions.useMetrics(metrics);
  await app.register(predictionRoutes, { deps, predictions });
  await app.register(openInferenceRoutes, { deps, predictions });
  return app;
}
