import { timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import { z } from 'zod';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { UnauthorizedError } from '../errors.ts';
import type { Metrics } from './metrics.ts';

/** Options of {@link metricsPlugin}. */
export interface MetricsPluginOptions {
  metrics: Metrics;
  /** Where the Prometheus text is served. Default `/metrics`. */
  path?: string;
  /** When set, scrapes must send `Authorization: Bearer <token>`; otherwise the route is public. */
  token?: string;
}

/** Route label of requests that matched no route: one series for all of them. */
export const UNMATCHED_ROUTE = '__unmatched__';

/** The project of the key that authenticated the request; empty for anything else. */
export function projectLabel(request: FastifyRequest): string {
  const principal = (request as FastifyRequest & { principal?: { kind: string; projectId?: string } }).principal;
  return principal?.kind === 'key' ? (principal.projectId ?? '') : '';
}

/** Constant time in the token's content (its length is no secret). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const expected = Buffer.from(`Bearer ${token}`);
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const plugin: FastifyPluginAsync<MetricsPluginOptions> = async (app, { metrics, path = '/metrics', token }) => {
  // Labelled by the route pattern (`/v1/models/:name`), never the raw URL: raw URLs carry ids
  // and would grow one series per id, and anyone could create series by probing URLs.
  app.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequestDuration.observe(
      {
        project: projectLabel(request),
        method: request.method,
        route: request.routeOptions.url ?? UNMATCHED_ROUTE,
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });

  // Without a token it is public, as Prometheus scrapes without credentials by default: then
  // expose the port on a private network only (or block /metrics at the edge). It holds counts
  // and latencies by project id and model name, which one tenant should not see of another.
  app.get(
    path,
    {
      config: { auth: 'public' },
      // The body is already Prometheus text; the app's JSON serializer must not touch it.
      serializerCompiler: () => (data) => String(data),
      schema: {
        tags: ['ops'],
        operationId: 'getMetrics',
        summary: 'Prometheus metrics (text exposition format); needs the METRICS_TOKEN bearer token when one is set',
        response: {
          200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } },
          401: {
            description: 'METRICS_TOKEN is set and the request does not carry it (problem+json)',
            content: {
              'application/problem+json': { schema: z.object({ code: z.string(), detail: z.string() }).loose() },
            },
          },
        },
      },
    },
    async (request, reply) => {
      if (token !== undefined && !bearerMatches(request.headers.authorization, token))
        throw new UnauthorizedError('GET /metrics needs "Authorization: Bearer <METRICS_TOKEN>".');
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
