import { configSchema } from '../config/env.ts';
import { createRedis, type Deps } from '../deps.ts';
import { createDatabase } from '../db/client.ts';
import { createLogger } from '../logger.ts';
import { LocalArtifactStore } from '../storage/local-artifact-store.ts';
import { projectPath } from '../project-paths.ts';
import { createTrainingQueue } from '../queue/training-queue.ts';
import { buildApp } from './app.ts';

export const openApiPath = projectPath('openapi.yaml');

/**
 * Renders the OpenAPI document from the routes' zod schemas. Clients are created but never
 * connected to (Prisma and ioredis connect lazily), so this runs without any service.
 */
export async function generateOpenApi(): Promise<string> {
  const config = configSchema.parse({ MAAS_ADMIN_TOKEN: 'openapi-generation-only-token' });
  const redis = createRedis(config.REDIS_URL, { failFast: true, lazy: true });
  const deps = {
    config,
    logger: createLogger('silent'),
    db: createDatabase(config.DATABASE_URL),
    redis,
    store: new LocalArtifactStore(config.ARTIFACT_DIR),
    trainingQueue: createTrainingQueue(createRedis(config.REDIS_URL, { failFast: true, lazy: true }), config.REDIS_PREFIX),
    adminToken: config.MAAS_ADMIN_TOKEN!,
  } as Deps;
  const app = await buildApp(deps, { logger: false });
  await app.ready();
  const yaml = app.swagger({ yaml: true });
  await app.close();
  await deps.trainingQueue.close().catch(() => undefined);
  await deps.db.$disconnect();
  return yaml;
}
