import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiKeyCache, type VerifiedKey } from '../../auth/api-key-cache.ts';
import { hasScope, hashSecret, looksLikeApiKey, secretHashesEqual, type ApiKeyScope } from '../../auth/api-keys.ts';
import type { Database } from '../../db/client.ts';
import { ForbiddenError, UnauthorizedError } from '../../errors.ts';

export type Principal = { kind: 'admin' } | { kind: 'key'; projectId: string; keyId: string; scopes: string[] };

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
  interface FastifyInstance {
    /** Verified keys of this process; the revoke route drops a key from it before answering. */
    apiKeyCache: ApiKeyCache;
  }
}

/** The project of the calling key; routes under a key scope can rely on it. */
export function projectOf(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal?.kind !== 'key') throw new UnauthorizedError();
  return principal.projectId;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = BEARER.exec(header);
  if (!match) throw new UnauthorizedError('The Authorization header must be "Bearer <key>".');
  return match[1];
}

export interface AuthPluginOptions {
  db: Database;
  adminToken: string;
  /** How long a verified key is trusted before PostgreSQL is asked again. Default 5 s. */
  keyCacheTtlMs?: number;
}

const ADMIN_PRINCIPAL: Principal = { kind: 'admin' };
const admin = (needed: RouteAuth) => needed === 'admin' || needed === 'admin-or-project-admin';

/**
 * Authenticates every request by its route's `auth` rule. Verified API keys are cached for a
 * few seconds (see ApiKeyCache): a key revoked through this process stops at once, on other
 * replicas within the cache's TTL.
 */
export const authPlugin = fp(async function authPlugin(app: FastifyInstance, opts: AuthPluginOptions) {
  const adminHash = hashSecret(opts.adminToken);
  const keys = new ApiKeyCache({ ttlMs: opts.keyCacheTtlMs });

  /** The key for this hash, cached and unexpired: no database round trip. */
  function cachedKey(secretHash: string): VerifiedKey | undefined {
    const cached = keys.get(secretHash);
    return cached !== undefined && (cached.expiresAt === null || cached.expiresAt > Date.now()) ? cached : undefined;
  }

  async function verify(secretHash: string): Promise<VerifiedKey> {
    const generation = keys.generation;
    const row = await opts.db.apiKey.findUnique({
      where: { secretHash },
      select: { id: true, projectId: true, scopes: true, revokedAt: true, expiresAt: true },
    });
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) {
      throw new UnauthorizedError(row ? 'The API key has been revoked or has expired.' : 'The API key is not valid.');
    }
    const key: VerifiedKey = {
      kind: 'key',
      projectId: row.projectId,
      keyId: row.id,
      scopes: row.scopes,
      expiresAt: row.expiresAt?.getTime() ?? null,
    };
    keys.set(secretHash, key, generation);
    return key;
  }

  app.addHook('onRequest', async (request) => {
    const needed = request.routeOptions.config?.auth;
    if (needed === 'public' || request.is404) return;
    if (!needed) throw new ForbiddenError('This route declares no access rule.');
    const token = bearer(request);
    if (!token) throw new UnauthorizedError();
    // One hash serves the key lookup (the stored form of a key, and the cache's key) and the
    // constant-time admin comparison. A cached key is a verified API key, never the admin token
    // (a different secret), so a hit skips that comparison and reveals nothing about it.
    const secretHash = hashSecret(token);
    let key = cachedKey(secretHash);
    if (key === undefined) {
      if (secretHashesEqual(secretHash, adminHash)) {
        if (!admin(needed))
          throw new ForbiddenError('The admin token manages projects and keys; use a project API key for this route.');
        request.principal = ADMIN_PRINCIPAL;
        return;
      }
      if (!looksLikeApiKey(token)) throw new UnauthorizedError('The token is not valid.');
      key = await verify(secretHash);
    }
    request.principal = key;
    if (needed === 'admin') throw new ForbiddenError('This route needs the operator admin token.');
    const scope: ApiKeyScope = needed === 'admin-or-project-admin' ? 'admin' : needed;
    if (!hasScope(key.scopes, scope)) throw new ForbiddenError(`This API key lacks the '${scope}' scope.`);
  });

  app.decorate('apiKeyCache', keys);
  app.addHook('onClose', async () => keys.clear());
});
