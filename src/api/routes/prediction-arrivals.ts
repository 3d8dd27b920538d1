import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Arrival, Arrivals } from '../../serving/arrivals.ts';

// `:predict`, `:classify`, `:regress` (TF Serving) and `/infer` (Open Inference Protocol).
const PREDICTION_PATH = /^\/v[12]\/models\/[^?]*(?::(?:predict|classify|regress)|\/infer)(?:\?|$)/;
const counted = new WeakMap<FastifyRequest, Arrival>();

/**
 * Counts prediction requests from their first hook, before authentication: a batch then waits
 * for requests still being authenticated, which is where they spend their time under load,
 * and a lone request (nothing else counted) never waits. Registered before the auth plugin.
 */
export const predictionArrivals = fp(async (app, opts: { arrivals: () => Arrivals }) => {
  app.addHook('onRequest', async (request) => {
    if (request.method === 'POST' && PREDICTION_PATH.test(request.url)) counted.set(request, opts.arrivals().begin());
  });
  // Whatever became of the request (401, 400, a dropped connection), it stops being expected.
  const end = async (request: FastifyRequest) => counted.get(request)?.();
  app.addHook('onResponse', end);
  app.addHook('onRequestAbort', end);
}, { name: 'maas-prediction-arrivals', fastify: '5.x' });

/** The arrival counted for this request by {@link predictionArrivals}, if any. */
export function arrivalOf(request: FastifyRequest): Arrival | undefined {
  return counted.get(request);
}
