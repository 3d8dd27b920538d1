import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createMetrics } from './metrics.ts';
import { metricsPlugin } from './metrics-plugin.ts';

let app: FastifyInstance | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** An app with the plugin and a route registered in a child scope, as route modules are. */
async function buildApp() {
  const metrics = createMetrics({ defaultMetrics: false });
  const instance = Fastify();
  await instance.register(metricsPlugin, { metrics });
  await instance.register(async (routes) => {
    routes.get('/v1/models/:name', async (request) => ({ name: (request.params as { name: string }).name }));
  });
  app = instance;
  return instance;
}

describe('metricsPlugin', () => {
  it('serves GET /metrics in the Prometheus text format with the request histogram by route pattern', async () => {
    const instance = await buildApp();
    expect((await instance.inject({ method: 'GET', url: '/v1/models/churn-42' })).statusCode).toBe(200);

    const response = await instance.inject({ method: 'GET', url: '/metrics' });

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.body).toContain('# TYPE http_request_duration_seconds histogram');
    expect(response.body).toMatch(
      /http_request_duration_seconds_count\{project="",method="GET",route="\/v1\/models\/:name",status_code="200"\} 1/,
    );
    expect(response.body).not.toContain('churn-42');
  });

  it('puts every unmatched URL under one route label', async () => {
    const instance = await buildApp();
    await instance.inject({ method: 'GET', url: '/no/such/path/1' });
    await instance.inject({ method: 'GET', url: '/no/such/path/2' });

    const { body } = await instance.inject({ method: 'GET', url: '/metrics' });

    expect(body).toMatch(
      /http_request_duration_seconds_count\{project="",method="GET",route="__unmatched__",status_code="404"\} 2/,
    );
    expect(body).not.toContain('/no/such/path');
  });
});
