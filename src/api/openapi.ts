import { configSchema } from '../config/env.ts';
import { createDeps } from '../deps.ts';
import { createLogger } from '../logger.ts';
import { buildApp } from './app.ts';

export { openApiPath } from './docs.ts';

/**
 * Renders the OpenAPI document from the routes' zod schemas, over the composition root's
 * resources built with lazy clients that never connect, so this runs without any service.
 */
export async function generateOpenApi(): Promise<string> {
  const config = configSchema.parse({ MAAS_ADMIN_TOKEN: 'openapi-generation-only-token' });
  const deps = await createDeps(config, { logger: createLogger('silent'), lazy: true });
  const app = await buildApp(deps, { logger: false, generateOpenApi: true });
  await app.ready();
  const yaml = app.swagger({ yaml: true });
  await app.close();
  await deps.close();
  return yaml;
}
