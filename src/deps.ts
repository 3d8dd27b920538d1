import { Redis } from 'ioredis';
import { resolveAdminToken } from './auth/admin-token.ts';
import type { Config } from './config/env.ts';
import { createDatabase, type Database } from './db/client.ts';
import { createLogger, type Logger } from './logger.ts';
import type { ArtifactStore } from './storage/artifact-store.ts';
import { LocalArtifactStore } from './storage/local-artifact-store.ts';
import { createTrainingQueue, type TrainingQueue } from './queue/training-queue.ts';

/**
 * The infrastructure clients a process needs, created in one place and closed in one
 * place. The API, the workers and the tests all receive these instead of importing
 * singletons.
 */
export interface Deps {
  config: Config;
  logger: Logger;
  db: Database;
  /** For producers and health checks: fails fast when Redis is down instead of queueing commands. */
  redis: Redis;
  store: ArtifactStore;
  /** Producer side of the training queue (its own fail-fast connection). */
  trainingQueue: TrainingQueue;
  adminToken: string;
}

export async function createDeps(config: Config, overrides: Partial<Pick<Deps, 'logger'>> = {}): Promise<Deps> {
  const logger = overrides.logger ?? createLogger(config.LOG_LEVEL);
  const admin = await resolveAdminToken(config.MAAS_ADMIN_TOKEN, config.ARTIFACT_DIR);
  if (admin.generated) {
    // Printed once, on the start that created it; it is kept in the data dir for later starts.
    process.stdout.write(`\nGenerated admin token (kept in ${admin.file}):\n  ${admin.token}\n\n`);
  }
  return {
    config,
    logger,
    db: createDatabase(config.DATABASE_URL),
    redis: createRedis(config.REDIS_URL, { failFast: true }),
    store: new LocalArtifactStore(config.ARTIFACT_DIR),
    trainingQueue: createTrainingQueue(createRedis(config.REDIS_URL, { failFast: true }), config.REDIS_PREFIX),
    adminToken: admin.token,
  };
}

/**
 * `failFast` connections reject commands at once while Redis is unreachable (routes answer
 * 503 instead of hanging); blocking connections for BullMQ workers must instead retry
 * forever (`maxRetriesPerRequest: null`), so workers resume by themselves.
 */
export function createRedis(url: string, opts: { failFast: boolean; lazy?: boolean }): Redis {
  const redis = new Redis(url, {
    lazyConnect: opts.lazy ?? false,
    maxRetriesPerRequest: opts.failFast ? 1 : null,
    enableOfflineQueue: !opts.failFast,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  redis.on('error', () => undefined); // reconnects on its own; readiness reports the outage
  return redis;
}

export async function closeDeps(deps: Deps): Promise<void> {
  await deps.trainingQueue.close().catch(() => undefined);
  await Promise.allSettled([deps.db.$disconnect(), deps.redis.quit()]);
}
