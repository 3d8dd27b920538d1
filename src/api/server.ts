import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { closeDeps } from '../deps.ts';
import { buildApp } from './app.ts';

/**
 * Builds the app and listens. On SIGTERM/SIGINT the server stops accepting connections,
 * lets in-flight requests finish (new ones get 503), then closes its clients.
 */
export async function startServer(deps: Deps, onClose: Array<() => Promise<void>> = []): Promise<FastifyInstance> {
  const app = await buildApp(deps);
  app.addHook('onClose', async () => {
    for (const close of onClose) await close();
    await closeDeps(deps);
  });
  closeWithGrace({ delay: 30_000 }, async ({ signal, err }) => {
    if (err) deps.logger.error({ err }, 'shutting down after an error');
    else deps.logger.info({ signal }, 'shutting down');
    await app.close();
  });
  await app.listen({ host: deps.config.HOST, port: deps.config.PORT });
  return app;
}
