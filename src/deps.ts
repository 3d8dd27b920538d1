/**
 * The composition root: the one module that builds the service's long-lived resources, and the
 * one place that closes them (`close()` on what it returns).
 *
 * - `createInfrastructure` builds what every process holds: the logger, Prisma (`db`), the
 *   artifact store, the training queue's producer (on a fail-fast Redis connection of its own)
 *   and, on the first call of `workerConnection()`, the blocking Redis connection a BullMQ
 *   worker needs. `npm run worker` builds only this and hands it to `startTrainingWorker`.
 * - `createDeps` builds the API's resources on top of it: the fail-fast Redis connection of the
 *   health checks (which also counts prediction quotas), the admin token, the TensorFlow.js
 *   backend (`TF_BACKEND`, its model loading warmed up), the metrics with their service gauges,
 *   the prediction service and the project quotas. `buildApp(deps)` receives them in
 *   `npm run serve`, `npm start` (whose worker receives the same `deps`), `npm run demo`, the
 *   tests (test/support/test-env.ts), the benchmarks (bench/bench-env.ts) and the OpenAPI
 *   generator, which asks for lazy clients that never connect.
 *
 * The training children the worker forks are processes of their own: they build their
 * database client and store from the configuration with the same factories
 * (src/training/jobs/processor.ts), which live below the training code for that reason.
 */
import { Redis } from 'ioredis';
import { resolveAdminToken } from './auth/admin-token.ts';
import { databaseIdentity } from './config/database-identity.ts';
import type { Config } from './config/env.ts';
import { createDatabase } from './db/client.ts';
import { createLogger, type Logger } from './logger.ts';
import { logBackend, selectBackend } from './ml/backend.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { watchServiceState } from './observability/service-gauges.ts';
import { JobEventHub, redisJobEventPublisher, type JobEventPublisher } from './queue/job-events.ts';
import { createTrainingQueue } from './queue/training-queue.ts';
import { createBatchQueue, createWebhookQueue, type BatchQueue, type WebhookQueue } from './queue/background-queues.ts';
import { ProjectQuotas } from './quotas/project-quotas.ts';
import { redisRouteChangeNotifier, type RouteChangeNotifier } from './registry/route-changes.ts';
import { warmUpModelLoading } from './serving/loading-warm-up.ts';
import { PredictionService } from './serving/prediction-service.ts';
import { RouteChangeListener } from './serving/route-change-listener.ts';
import { createArtifactStore, localArtifactCopies } from './storage/create-artifact-store.ts';
import { resolveMasterKeys } from './storage/encryption/master-keys.ts';
import type { TrainingWorkerResources } from './training/jobs/worker.ts';

/**
 * What every process of the service holds: the API, the worker, and both in `npm start`. It is
 * what the training worker takes, plus the closing of it all: the worker closes only itself.
 * `trainingQueue` is the queue's producer side, on its own fail-fast connection;
 * `workerConnection()` opens its connection on the first call, so only a process that runs a
 * worker holds one.
 */
export interface Infrastructure extends TrainingWorkerResources {
  /** The batch prediction queue's producer side (src/batch), on its own fail-fast connection. */
  batchQueue: BatchQueue;
  /** The webhook delivery queue's producer side (src/webhooks), on its own fail-fast connection. */
  webhookQueue: WebhookQueue;
  /** Closes everything built here. Call it once, after whatever uses it (app, worker) has closed. */
  close(): Promise<void>;
}

/** The API's resources: the infrastructure and what serving requests needs on top of it. */
export interface Deps extends Infrastructure {
  /** For health checks: fails fast when Redis is down instead of queueing commands. */
  redis: Redis;
  adminToken: string;
  metrics: Metrics;
  predictions: PredictionService;
  /** Per-project quotas: limits (with the operator's overrides) and the prediction counter. */
  quotas: ProjectQuotas;
  /** Live job events: the subscriber side of the event streams, bounded per project and process. */
  jobEvents: JobEventHub;
  /** Announces status changes the API makes itself (a queued job cancelled). */
  jobEventPublisher: JobEventPublisher;
  /**
   * Announces alias, version, logging-rate and erasure changes to every API process: applied
   * here at once, then published (awaited, after the change committed).
   */
  routeChanges: RouteChangeNotifier;
  /** This process's subscription to those notices, which keeps its route cache live. */
  routeChangeListener: RouteChangeListener;
}

export interface BuildOptions {
  /** A logger of the caller's (a test capturing the logs); otherwise one at `LOG_LEVEL`. */
  logger?: Logger;
  /**
   * Clients that connect only when first used: the OpenAPI generator builds everything
   * without reaching any service.
   */
  lazy?: boolean;
  /** Size of Prisma's connection pool (default 10). */
  poolSize?: number;
  /** Keeps local copies of model artifacts read from a bucket (ARTIFACT_CACHE_MB): API processes. */
  localArtifactCopies?: boolean;
}

export function createInfrastructure(config: Config, opts: BuildOptions = {}): Infrastructure {
  const lazy = opts.lazy ?? false;
  const db = createDatabase(config.DATABASE_URL, opts.poolSize);
  const trainingQueue = createTrainingQueue(
    createRedis(config.REDIS_URL, { failFast: true, lazy }),
    config.REDIS_PREFIX,
    databaseIdentity(config.DATABASE_URL),
  );
  const database = databaseIdentity(config.DATABASE_URL);
  const batchQueue = createBatchQueue(
    createRedis(config.REDIS_URL, { failFast: true, lazy }),
    config.REDIS_PREFIX,
    database,
  );
  const webhookQueue = createWebhookQueue(
    createRedis(config.REDIS_URL, { failFast: true, lazy }),
    config.REDIS_PREFIX,
    database,
  );
  let blocking: Redis | undefined;
  const localCopies = opts.localArtifactCopies && !lazy ? localArtifactCopies(config) : undefined;
  return {
    config,
    logger: opts.logger ?? createLogger(config.LOG_LEVEL),
    db,
    store: createArtifactStore(config, db, { localCopies }),
    trainingQueue,
    batchQueue,
    webhookQueue,
    workerConnection: () => (blocking ??= createRedis(config.REDIS_URL, { failFast: false, lazy })),
    async close() {
      await trainingQueue.close().catch(() => undefined);
      await batchQueue.close().catch(() => undefined);
      await webhookQueue.close().catch(() => undefined);
      blocking?.disconnect();
      await localCopies?.close().catch(() => undefined);
      await db.$disconnect().catch(() => undefined);
    },
  };
}

export async function createDeps(config: Config, opts: BuildOptions = {}): Promise<Deps> {
  const admin = await resolveAdminToken(config.MAAS_ADMIN_TOKEN, config.ARTIFACT_DIR);
  if (admin.generated) {
    // Printed once, on the start that created it; it is kept in the data dir for later starts.
    process.stdout.write(`\nGenerated admin token (kept in ${admin.file}):\n  ${admin.token}\n\n`);
  }
  // Resolved here so that a bad master key stops the start, and a generated one is announced.
  const master = config.ENCRYPTION_AT_REST ? await resolveMasterKeys(config) : undefined;
  if (master?.generatedFile) {
    process.stdout.write(
      `Generated the master key encrypting stored data, kept in ${master.generatedFile}: back it up; ` +
        'set MAAS_MASTER_KEY (or MAAS_MASTER_KEY_FILE) in production.\n\n',
    );
  }
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  // Predictions run on the best TensorFlow.js backend present (TF_BACKEND), chosen once per process.
  await selectBackend(config.TF_BACKEND, 'serving');
  if (!(opts.lazy ?? false)) await warmUpModelLoading();
  logBackend(logger);
  const infrastructure = createInfrastructure(config, { localArtifactCopies: true, ...opts, logger });
  const redis = createRedis(config.REDIS_URL, { failFast: true, lazy: opts.lazy ?? false });
  const metrics = createMetrics();
  watchServiceState(metrics, infrastructure);
  const predictions = new PredictionService(infrastructure.db, infrastructure.store, config);
  predictions.useMetrics(metrics);
  const jobEvents = new JobEventHub({
    redisUrl: config.REDIS_URL,
    prefix: config.REDIS_PREFIX,
    perProject: config.EVENT_STREAMS_PER_PROJECT,
    perProcess: config.EVENT_STREAMS_PER_PROCESS,
  });
  const routeChangeListener = new RouteChangeListener({
    redisUrl: config.REDIS_URL,
    prefix: config.REDIS_PREFIX,
    apply: (change) => predictions.routeChanged(change),
    setLive: (live) => predictions.routes.setLive(live),
  });
  if (!(opts.lazy ?? false)) routeChangeListener.start();
  const publisher = redisRouteChangeNotifier(redis, config.REDIS_PREFIX, (error, change) =>
    logger.warn(
      { err: error, change },
      'could not announce a route change; other replicas see it within ROUTE_CACHE_TTL_MS',
    ),
  );
  const routeChanges: RouteChangeNotifier = {
    async changed(change) {
      predictions.routeChanged(change);
      await publisher.changed(change);
    },
  };
  return {
    ...infrastructure,
    redis,
    adminToken: admin.token,
    metrics,
    predictions,
    quotas: new ProjectQuotas(infrastructure.db, config, redis, config.REDIS_PREFIX),
    jobEvents,
    jobEventPublisher: redisJobEventPublisher(redis, config.REDIS_PREFIX),
    routeChanges,
    routeChangeListener,
    async close() {
      await routeChangeListener.close();
      await predictions.close();
      await Promise.all([infrastructure.close(), closeRedis(redis), jobEvents.close()]);
    },
  };
}

/**
 * `failFast` connections reject commands at once while Redis is unreachable (routes answer
 * 503 instead of hanging); blocking connections for BullMQ workers must instead retry
 * forever (`maxRetriesPerRequest: null`), so workers resume by themselves.
 */
function createRedis(url: string, opts: { failFast: boolean; lazy: boolean }): Redis {
  const redis = new Redis(url, {
    lazyConnect: opts.lazy,
    maxRetriesPerRequest: opts.failFast ? 1 : null,
    enableOfflineQueue: !opts.failFast,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  redis.on('error', () => undefined); // reconnects on its own; readiness reports the outage
  return redis;
}

/** QUIT waits for pending replies, but on a lazy client that never connected it would connect first. */
async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'wait') redis.disconnect();
  else await redis.quit().catch(() => undefined);
}
