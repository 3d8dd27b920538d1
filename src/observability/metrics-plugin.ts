import fp from 'fastify-plugin';
import { z } from 'zod';
import type { FastifyPluginAsync } from 'fastify';
import type { Metrics } from './metrics.ts';

/** Options of {@link metricsPlugin}. */
export interface MetricsPluginOptions {
  metrics: Metrics;
  /** Where the Prometheus text is served. Default `/metrics`. */
  path?: string;
}

/** Route label of requests that matched no route: one series for all of them. */
export const UNMATCHED_ROUTE = '__unmatched__';

const plugin: FastifyPluginAsync<MetricsPluginOptions> = async (app, { metrics, path = '/metrics' }) => {
  // Labelled by the route pattern (`/v1/models/:name`), never the raw URL: raw URLs carry ids
  // and would grow one series per id, and anyone could create series by probing URLs.
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequestDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? UNMATCHED_ROUTE,
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });

  // Public, as Prometheus scrapes it without credentials: expose the port on a private network
  // only (or block /metrics at the edge). It holds counts and latencies, no tenant data.
  app.get(
    path,
    {
      config: { auth: 'public' },
      // The body is already Prometheus text; the app's JSON serializer must not touch it.
      serializerCompiler: () => (data) => String(data),
      schema: {
        tags: ['ops'],
        summary: 'Prometheus metrics (text exposition format); public, meant for a private network',
        response: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } } },
      },
    },
    async (_request, reply) => {
      const text = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(text);
    },
  );
};

/**
 * Records `http_request_duration_seconds` for every request of the app and serves
 * `GET /metrics` in the Prometheus text format. Wrapped with fastify-plugin so that its hook
 * sees the routes of the whole app, not only those registered inside it.
 */
export const metricsPlugin = fp(plugin, { name: 'maas-metrics', fastify: '5.x' });
