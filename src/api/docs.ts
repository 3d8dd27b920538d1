import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { projectPath, projectRoot } from '../project-paths.ts';
import { problemHandler } from './plugins/problem-handler.ts';

/** The committed document, generated from the route schemas by `npm run openapi` (a test keeps it current). */
export const openApiPath = projectPath('openapi.yaml');

/** What `/docs` shows: the operations listed, folded. */
export const docsUiOptions = { routePrefix: '/docs', uiConfig: { docExpansion: 'list' as const } };

/**
 * The API reference at `/docs` (Swagger UI, `/docs/json`, `/docs/yaml`) for a running service.
 *
 * The document is the committed openapi.yaml, which is what generating it from the routes
 * gives (test/platform/openapi.test.ts), so a running service need not generate it again. The
 * reference is a small Fastify app of its own, built on the first request for it: Swagger UI,
 * its static file server and the YAML parser are about a tenth of the time a start takes to be
 * ready (BENCHMARKS.md, 1e), and most processes never serve the page. Requests under `/docs`
 * are handed to that app whole; they are public, like the document itself.
 */
export const docsRoutes: FastifyPluginAsync = async (app) => {
  let reference: Promise<FastifyInstance> | undefined;
  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    const docs = await (reference ??= referenceApp().catch((error: unknown) => {
      // A failed build (openapi.yaml missing, say) is tried again by the next request.
      reference = undefined;
      throw error;
    }));
    requestIds.set(request.raw, request.id);
    reply.hijack();
    // Headers set so far (the request id) go out with the reference app's answer.
    for (const [name, value] of Object.entries(reply.getHeaders()))
      if (value !== undefined) reply.raw.setHeader(name, value);
    docs.routing(request.raw, reply.raw);
  };
  const config = { auth: 'public' as const };
  app.get('/docs', { config, schema: { hide: true } }, serve);
  app.get('/docs/*', { config, schema: { hide: true } }, serve);
};

/** The API's id of each request handed over, so the reference app's answers and problems carry it. */
const requestIds = new WeakMap<IncomingMessage, string>();

async function referenceApp(): Promise<FastifyInstance> {
  const [{ default: Fastify }, { default: swagger }, { default: swaggerUi }] = await Promise.all([
    import('fastify'),
    import('@fastify/swagger'),
    import('@fastify/swagger-ui'),
  ]);
  const docs = Fastify({ logger: false, genReqId: (raw) => requestIds.get(raw) ?? randomUUID() });
  // Its misses and errors answer problem+json, as every other route does.
  await docs.register(problemHandler);
  await docs.register(swagger, { mode: 'static', specification: { path: openApiPath, baseDir: projectRoot } });
  await docs.register(swaggerUi, docsUiOptions);
  await docs.ready();
  return docs;
}
