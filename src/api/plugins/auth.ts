import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasScope, hashSecret, looksLikeApiKey, secretsEqual, type ApiKeyScope } from '../../auth/api-keys.ts';
import type { Database } from '../../db/client.ts';
import { ForbiddenError, UnauthorizedError } from '../../errors.ts';

export type Principal =
  | { kind: 'admin' }
  | { kind: 'key'; projectId: string; keyId: string; scopes: string[] };

/**
 * What a route requires, set as `config: { auth }` on the route:
 * `'public'` (nobody), `'admin'` (the operator token), or an API key scope.
 * Routes without it are refused, so forgetting it fails closed.
 */
export type RouteAuth = 'public' | 'admin' | 'admin-or-project-admin' | ApiKeyScope;

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** The project of the calling key; routes under a key scope can rely on it. */
export function projectOf(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal?.kind !== 'key') throw new UnauthorizedError();
  return principal.projectId;
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new UnauthorizedError('The Authorization header must be "Bearer <key>".');
  return match[1];
}

export const authPlugin = fp(async function authPlugin(app: FastifyInstance, opts: { db: Database; adminToken: string }) {
  app.addHook('onRequest', async (request) => {
    const needed = request.routeOptions.config?.auth;
    if (needed === 'public' || request.is404) return;
    if (!needed) throw new ForbiddenError('This route declares no access rule.');
    const token = bearer(request);
    if (!token) throw new UnauthorizedError();
    if (secretsEqual(token, opts.adminToken)) {
      if (needed !== 'admin' && needed !== 'admin-or-project-admin') {
        throw new ForbiddenError('The admin token manages projects and keys; use a project API key for this route.');
      }
      request.principal = { kind: 'admin' };
      return;
    }
    if (!looksLikeApiKey(token)) throw new UnauthorizedError('The token is not valid.');
    const key = await opts.db.apiKey.findUnique({ where: { secretHash: hashSecret(token) } });
    if (!key || key.revokedAt || (key.expiresAt && key.expiresAt <= new Date())) {
      throw new UnauthorizedError(key ? 'The API key has been revoked or has expired.' : 'The API key is not valid.');
    }
    request.principal = { kind: 'key', projectId: key.projectId, keyId: key.id, scopes: key.scopes };
    if (needed === 'admin') throw new ForbiddenError('This route needs the operator admin token.');
    const scope: ApiKeyScope = needed === 'admin-or-project-admin' ? 'admin' : needed;
    if (!hasScope(key.scopes, scope)) throw new ForbiddenError(`This API key lacks the '${scope}' scope.`);
  });
});
