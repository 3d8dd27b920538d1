import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { closeDeps } from '../deps.ts';
import { ServiceUnavailableError } from '../errors.ts';
import { buildApp } from './app.ts';

/** How long shutdown waits for in-flight requests (uploads can be long) before closing anyway. */
const DRAIN_LIMIT_MS = 25_000;

/**
 * Builds the app and listens. On SIGTERM/SIGINT the server first drains: it keeps listening
 * but answers every new request 503 problem+json (so a load balancer moves on and clients
 * retry elsewhere) while in-flight requests finish; then it closes and its clients with it.
 */
export async function startServer(deps: Deps, onClose: Array<() => Promise<void>> = []): Promise<FastifyInstance> {
  const app = await buildApp(deps);
  let draining = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  app.addHook('onRequest', async (_request, reply) => {
    if (draining) throw new ServiceUnavailableError('shutting_down', 'The service is shutting down; retry shortly or on another instance.', 1);
    inFlight++;
    // 'close' fires whether the response finished or the client went away.
    reply.raw.once('close', () => {
      if (--inFlight === 0) drained?.();
    });
  });
  app.addHook('onClose', async () => {
    for (const close of onClose) await close();
    await closeDeps(deps);
  });
  closeWithGrace({ delay: 30_000 + DRAIN_LIMIT_MS }, async ({ signal, err }) => {
    if (err) deps.logger.error({ err }, 'shutting down after an error');
    else deps.logger.info({ signal, inFlight }, 'draining, then shutting down');
    draining = true;
    if (inFlight > 0) {
      await new Promise<void>((resolve) => {
        drained = resolve;
        setTimeout(resolve, DRAIN_LIMIT_MS).unref();
      });
    }
    await app.close();
  });
  await app.listen({ host: deps.config.HOST, port: deps.config.PORT });
  return app;
}
