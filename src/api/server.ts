import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { WARM_CONNECTIONS } from '../db/sql.ts';
import type { Deps } from '../deps.ts';
import { buildApp } from './app.ts';

/** How long shutdown waits for in-flight requests (uploads can be long) before closing anyway. */
const DRAIN_LIMIT_MS = 25_000;

/**
 * Builds the app over `deps` and listens. On SIGTERM/SIGINT the server first drains (see
 * `app.drain`: new requests get 503 problem+json while in-flight ones finish); then it closes,
 * runs `onClose` (the worker of `npm start`), and closes `deps`.
 */
export async function startServer(deps: Deps, onClose: Array<() => Promise<void>> = []): Promise<FastifyInstance> {
  const app = await buildApp(deps);
  app.addHook('onClose', async () => {
    for (const close of onClose) await close();
    await deps.close();
  });
  closeWithGrace({ delay: 30_000 + DRAIN_LIMIT_MS }, async ({ signal, err }) => {
    if (err) deps.logger.error({ err }, 'shutting down after an error');
    else deps.logger.info({ signal, inFlight: app.drain.inFlight }, 'draining, then shutting down');
    await app.drain.start(DRAIN_LIMIT_MS);
    await app.close();
  });
  collectStartupGarbage();
  // Opened while the server starts listening: an unreachable PostgreSQL is /readyz's to report.
  void deps.db.sql.open(WARM_CONNECTIONS).catch(() => undefined);
  await app.listen({ host: deps.config.HOST, port: deps.config.PORT });
  return app;
}

/**
 * A young-generation collection before listening, where V8 exposes one (`--expose-gc`, as
 * `npm start` and `npm run serve` run node). A start leaves tens of MB of young objects, most of
 * them alive (modules, the app, the workers); the first scavenge copies every one, about 24 ms
 * here, and it fell inside the first request after a start (BENCHMARKS.md, 1e'). Taken now, it
 * is part of the start instead.
 */
function collectStartupGarbage(): void {
  (globalThis as { gc?: (options: { type: 'minor' }) => void }).gc?.({ type: 'minor' });
}
