import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { NotFoundError } from '../../errors.ts';
import { projectPath } from '../../project-paths.ts';

/** What `npm run build` puts in dist/ui (scripts/build.mjs), by extension. */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};
const ASSET = /^[A-Za-z0-9][\w.-]{0,100}$/;

/**
 * Scripts and styles from this origin only, no inline code, and API calls to this origin:
 * the console holds an API key, so nothing else may run in its page or frame it.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The web console at /ui: static files built into dist/ui by `npm run build`, served by the
 * API itself (no separate server). The page signs in with an API key and calls the public API
 * like any client; these routes are public and hidden from the OpenAPI document.
 */
export const consoleRoutes: FastifyPluginAsync = async (app) => {
  const dir = projectPath('dist', 'ui');
  const send = async (reply: FastifyReply, name: string) => {
    const type = TYPES[path.extname(name)];
    if (!type || !ASSET.test(name)) throw new NotFoundError('Console file', name);
    const body = await readFile(path.join(dir, name)).catch(() => {
      throw new NotFoundError('Console file', `${name} (run \`npm run build\` to build the console)`);
    });
    return reply
      .header('content-type', type)
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('x-frame-options', 'DENY')
      .send(body);
  };
  const options = { config: { auth: 'public' as const }, schema: { hide: true } };
  app.get('/ui', options, (_request, reply) => reply.redirect('/ui/', 302));
  app.get('/ui/', options, (_request, reply) => send(reply, 'index.html'));
  app.get<{ Params: { file: string } }>('/ui/:file', options, (request, reply) => send(reply, request.params.file));
};
