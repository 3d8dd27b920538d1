import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Arrival, Arrivals } from '../../serving/arrivals.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on prediction requests by {@link predictionArrivals}. */
    arrival: Arrival | null;
  }
}

/**
 * Counts prediction requests from their first hook, before authentication: a batch then waits
 * for requests still being authenticated, which is where they spend their time under load,
 * and a lone request (nothing else counted) never waits. Registered before the auth plugin.
 * The prediction routes are exactly the routes of the `predict` scope (`:predict`, `:classify`,
 * `:regress`, V2 `/infer`), so the route's own rule says which requests to count.
 */
export const predictionArrivals = fp(
  async (app, opts: { arrivals: () => Arrivals }) => {
    app.decorateRequest('arrival', null);
    app.addHook('onRequest', (request, _reply, done) => {
      if (request.routeOptions.config?.auth === 'predict') request.arrival = opts.arrivals().begin();
      done();
    });
    // Whatever became of the request (401, 400, a dropped connection), it stops being expected.
    app.addHook('onResponse', (request, _reply, done) => {
      request.arrival?.();
      done();
    });
    app.addHook('onRequestAbort', (request, done) => {
      request.arrival?.();
      done();
    });
  },
  { name: 'maas-prediction-arrivals', fastify: '5.x' },
);

/** The arrival counted for this request by {@link predictionArrivals}, if any. */
export function arrivalOf(request: FastifyRequest): Arrival | undefined {
  return request.arrival ?? undefined;
}
