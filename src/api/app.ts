import { randomUUID } from 'node:crypto';
import multipart from '@fastify/multipart';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
} from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Deps } from '../deps.ts';
import { metricsPlugin } from '../observability/metrics-plugin.ts';
import { accessLog } from '../observability/access-log.ts';
import { requestLogger } from '../observability/request-logger.ts';
import { serviceVersion } from '../service-version.ts';
import { docsRoutes, docsUiOptions } from './docs.ts';
import { Drain } from './drain.ts';
import { documentRoute, servers, transformOpenApiObject } from './openapi-document.ts';
import { auditPlugin } from './plugins/audit.ts';
import { authPlugin } from './plugins/auth.ts';
import { idempotencyPlugin } from './plugins/idempotency.ts';
import { answerError, problemHandler } from './plugins/problem-handler.ts';
import { predictionQuotaPlugin } from './plugins/prediction-quota.ts';
import { rateLimitsPlugin } from './plugins/rate-limits.ts';
import { auditEventRoutes } from './routes/audit-events.ts';
import { datasetImportRoutes } from './routes/dataset-imports.ts';
import { datasetRoutes } from './routes/datasets.ts';
import { healthRoutes } from './routes/health.ts';
import { masterKeyRoutes } from './routes/master-key.ts';
import { modelRoutes } from './routes/models.ts';
import { evaluationRoutes } from './routes/evaluations.ts';
import { explanationRoutes } from './routes/explanations.ts';
import { modelMonitoringRoutes } from './routes/model-monitoring.ts';
import { modelExchangeRoutes } from './routes/model-exchange.ts';
import { predictionRoutes } from './routes/predictions.ts';
import { projectErasureRoutes } from './routes/project-erasure.ts';
import { projectRoutes } from './routes/projects.ts';
import { quotaRoutes } from './routes/quotas.ts';
import { trainingJobRoutes } from './routes/training-jobs.ts';
import { trainingJobEventRoutes } from './routes/training-job-events.ts';
import { consoleRoutes } from './routes/console.ts';
import { tuningJobRoutes } from './routes/tuning-jobs.ts';
import { openInferenceRoutes } from './routes/open-inference.ts';
import { predictionArrivals } from './routes/prediction-arrivals.ts';
import { batchPredictionRoutes } from './routes/batch-predictions.ts';
import { webhookRoutes } from './routes/webhooks.ts';

export interface BuildAppOptions {
  /** Fastify's own logger; pass false in tests that want quiet output. */
  logger?: boolean;
  /**
   * Generate the OpenAPI document from the route schemas (`app.swagger()`), as `npm run openapi`
   * does. Otherwise `/docs` serves the committed openapi.yaml (src/api/docs.ts).
   */
  generateOpenApi?: boolean;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** fastify-type-provider-zod's compilers as the factories Fastify asks for (its types name Ajv's). */
const zodCompilers = {
  buildValidator: () => validatorCompiler,
  buildSerializer: () => serializerCompiler,
} as unknown as NonNullable<FastifyServerOptions['schemaController']>['compilersFactory'];

/**
 * The whole HTTP API as one Fastify instance over the resources the composition root built
 * (src/deps.ts); it creates none of its own and closes none of them. `server.ts`, the tests,
 * the benchmarks and the OpenAPI generator all build it through here.
 */
export async function buildApp(deps: Deps, opts: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: (opts.logger === false
      ? deps.logger.child({}, { level: 'silent' })
      : deps.logger) as FastifyBaseLogger,
    // A client's own request id is kept when it is sane, so logs correlate across services.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    bodyLimit: 10 * 1024 * 1024,
    // One access line per request instead of Fastify's two (src/observability/access-log.ts).
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: requestLogger,
    // A malformed URL (bad percent-encoding) is refused by the router before any hook runs;
    // it still answers problem+json like every other client error.
    frameworkErrors: (error, request, reply) => answerError(error, request, reply),
    // A feature may be named `__proto__`. JSON.parse keeps such a key as an ordinary own
    // property; every object keyed by user names is prototype-free (src/user-keys.ts), so the
    // key cannot reach a prototype, and refusing it would refuse that dataset's predictions.
    onProtoPoisoning: 'ignore',
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Every schema is zod: given as factories, the compilers spare the start loading Ajv and
    // fast-json-stringify, which Fastify otherwise requires as its defaults (about a tenth of
    // the time to ready).
    schemaController: { compilersFactory: zodCompilers },
  }).withTypeProvider<ZodTypeProvider>();

  const drain = new Drain();
  app.decorate('drain', drain);
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    drain.admit(reply.raw);
    done();
  });

  await app.register(problemHandler);
  if (opts.generateOpenApi) {
    const [{ default: swagger }, { default: swaggerUi }] = await Promise.all([
      import('@fastify/swagger'),
      import('@fastify/swagger-ui'),
    ]);
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'maas — model-as-a-service API',
          version: serviceVersion,
          description:
            'Upload datasets, train and evaluate models, manage versions and aliases, and serve predictions. ' +
            'Errors are RFC 9457 application/problem+json.',
        },
        components: {
          securitySchemes: {
            bearer: {
              type: 'http',
              scheme: 'bearer',
              description: 'A project API key, or the operator admin token for /v1/projects',
            },
          },
        },
        security: [{ bearer: [] }],
        servers,
      },
      transform: jsonSchemaTransform,
      transformObject: transformOpenApiObject,
    });
    app.addHook('onRoute', (route) => {
      // The documentation pages are public.
      if (route.url.startsWith('/docs')) route.config = { ...(route.config as object), auth: 'public' };
      documentRoute(route);
    });
    await app.register(swaggerUi, docsUiOptions);
  } else await app.register(docsRoutes);
  await app.register(metricsPlugin, { metrics: deps.metrics, token: deps.config.METRICS_TOKEN });
  await app.register(accessLog);
  await app.register(multipart);
  // Before auth: prediction requests count as on their way to a batch from their first hook.
  await app.register(predictionArrivals, { arrivals: () => deps.predictions.arrivals });
  // Before auth, which asks it about failed authentications before looking a key up.
  await app.register(rateLimitsPlugin, {
    redis: deps.redis,
    prefix: deps.config.REDIS_PREFIX,
    windowSeconds: deps.config.RATE_LIMIT_WINDOW_SECONDS,
    perProject: deps.config.RATE_LIMIT_PER_PROJECT,
    perKey: deps.config.RATE_LIMIT_PER_KEY,
    authFailuresPerAddress: deps.config.AUTH_FAILURES_PER_WINDOW,
  });
  await app.register(authPlugin, { db: deps.db, adminToken: deps.adminToken });
  await app.register(auditPlugin, { db: deps.db, logger: deps.logger });
  await app.register(predictionQuotaPlugin, { quotas: deps.quotas });
  await app.register(idempotencyPlugin, { deps });

  await app.register(healthRoutes, { deps, isDraining: () => drain.draining });
  await app.register(projectRoutes, { deps });
  await app.register(projectErasureRoutes, { deps });
  await app.register(auditEventRoutes, { deps });
  await app.register(masterKeyRoutes, { deps });
  await app.register(quotaRoutes, { deps });
  await app.register(datasetRoutes, { deps });
  await app.register(datasetImportRoutes, { deps });
  await app.register(trainingJobRoutes, { deps });
  await app.register(trainingJobEventRoutes, { deps });
  await app.register(modelRoutes, { deps });
  await app.register(modelMonitoringRoutes, { deps });
  await app.register(modelExchangeRoutes, { deps });
  await app.register(predictionRoutes, { deps });
  await app.register(evaluationRoutes, { deps });
  await app.register(explanationRoutes, { deps });
  await app.register(openInferenceRoutes, { deps });
  await app.register(consoleRoutes);
  await app.register(tuningJobRoutes, { deps });
  await app.register(batchPredictionRoutes, { deps });
  await app.register(webhookRoutes, { deps });
  return app;
}
