import fp from 'fastify-plugin';
import type { ProjectQuotas } from '../../quotas/project-quotas.ts';

/**
 * Counts every prediction request (the routes of the `predict` scope: TF Serving's verbs on
 * every path, V2 `/infer`) against its project's per-minute quota, once authenticated and
 * before its body is read. Registered after the auth plugin, so the project is known.
 */
export const predictionQuotaPlugin = fp(
  async (app, opts: { quotas: ProjectQuotas }) => {
    // A callback hook: without a per-minute quota (the default) nothing is awaited, and the
    // request goes on in the same turn, without the promises of an async hook.
    app.addHook('onRequest', (request, _reply, done) => {
      const principal = request.principal;
      if (request.routeOptions.config?.auth !== 'predict' || principal?.kind !== 'key') return done();
      const counting = opts.quotas.countPrediction(principal.projectId);
      if (counting === undefined) return done();
      counting.then(() => done(), done);
    });
  },
  { name: 'maas-prediction-quota', fastify: '5.x' },
);
