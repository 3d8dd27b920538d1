import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.ts';
import { problemSchema } from '../schemas/common.ts';

const checkResult = z.object({ ok: z.boolean(), error: z.string().optional() });

async function probe(check: () => Promise<unknown>): Promise<z.infer<typeof checkResult>> {
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 2 s')), 2_000).unref()),
    ]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

export const healthRoutes: FastifyPluginAsyncZod<{ deps: Deps; isDraining: () => boolean }> = async (
  app,
  { deps, isDraining },
) => {
  app.get(
    '/healthz',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['ops'],
        summary: 'Liveness: the process is up',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['ops'],
        summary: 'Readiness: PostgreSQL, Redis and the artifact store are reachable',
        response: {
          200: z.object({
            status: z.enum(['ready', 'unready']),
            checks: z.object({ database: checkResult, redis: checkResult, artifactStore: checkResult }),
          }),
          503: z
            .object({
              status: z.enum(['ready', 'unready']),
              checks: z.object({ database: checkResult, redis: checkResult, artifactStore: checkResult }),
            })
            .or(problemSchema),
        },
      },
    },
    async (_request, reply) => {
      const [database, redis, artifactStore] = await Promise.all([
        // The pool's own SQL: a probe through Prisma would load its query compiler (src/db/sql.ts).
        // Ready once the connections opened at the start have run the prediction path's statements.
        probe(() => deps.db.sql.opened().then(() => deps.db.sql.rows('SELECT 1'))),
        probe(() => deps.redis.ping()),
        probe(() => deps.store.check()),
      ]);
      const ready = database.ok && redis.ok && artifactStore.ok && !isDraining();
      return reply
        .code(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'unready', checks: { database, redis, artifactStore } });
    },
  );
};
