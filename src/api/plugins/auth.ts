import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiKeyCache, type VerifiedKey } from '../../auth/api-key-cache.ts';
import { apiKeyShape, hasScope, hashSecret, secretHashesEqual, type ApiKeyScope } from '../../auth/api-keys.ts';
import { KeyUsage } from '../../auth/key-usage.ts';
import type { Database } from '../../db/client.ts';
import { predictionPathStatement } from '../../db/sql.ts';
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
    /** Keys' `lastUsedAt`, written in the background at most once a minute per key. */
    keyUsage: KeyUsage;
  }
}

/** The project of the calling key; routes under a key scope can rely on it. */
export function projectOf(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal?.kind !== 'key') throw new UnauthorizedError();
  return principal.projectId;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

const KEY_BY_SECRET_HASH = predictionPathStatement(
  'SELECT id, "projectId", scopes, "revokedAt", "expiresAt" FROM "ApiKey" WHERE "secretHash" = $1',
  [''],
);

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
  /** How stale a key's `lastUsedAt` may be (one write per key per this). Default 60 s. */
  keyUsageResolutionMs?: number;
}

const ADMIN_PRINCIPAL = { kind: 'admin' } as const;
const admin = (needed: RouteAuth) => needed === 'admin' || needed === 'admin-or-project-admin';

/**
 * Authenticates every request by its route's `auth` rule. Verified API keys are cached for a
 * few seconds (see ApiKeyCache): a key revoked through this process stops at once, on other
 * replicas within the cache's TTL.
 *
 * Whatever the cache cannot answer first passes the failed-authentication throttle of the
 * caller's address (`app.authFailures`, from the rate-limits plugin registered before this
 * one); every 401 counts against it. A token shaped like no key, or a current key whose
 * checksum does not hold, is refused without a database lookup.
 */
export const authPlugin = fp(
  async function authPlugin(app: FastifyInstance, opts: AuthPluginOptions) {
    const adminHash = hashSecret(opts.adminToken);
    const keys = new ApiKeyCache({ ttlMs: opts.keyCacheTtlMs });
    const usage = new KeyUsage(opts.db.sql, {
      resolutionMs: opts.keyUsageResolutionMs,
      onError: (error) => app.log.warn({ err: error }, 'could not record an API key use'),
    });

    /** The key for this hash, cached and unexpired: no database round trip. */
    function cachedKey(secretHash: string): VerifiedKey | undefined {
      const cached = keys.get(secretHash);
      return cached !== undefined && (cached.expiresAt === null || cached.expiresAt > Date.now()) ? cached : undefined;
    }

    // Lookups under way by secret hash: when a key's entry expires under load, every request
    // that finds it missing waits on the one query the first of them started.
    const verifying = new Map<string, Promise<VerifiedKey>>();

    function verify(secretHash: string): Promise<VerifiedKey> {
      const running = verifying.get(secretHash);
      if (running !== undefined) return running;
      const lookup = lookUpKey(secretHash).finally(() => verifying.delete(secretHash));
      verifying.set(secretHash, lookup);
      return lookup;
    }

    async function lookUpKey(secretHash: string): Promise<VerifiedKey> {
      const generation = keys.generation;
      keys.countLookup();
      const [row] = await opts.db.sql.rows<{
        id: string;
        projectId: string;
        scopes: string[];
        revokedAt: Date | null;
        expiresAt: Date | null;
      }>(KEY_BY_SECRET_HASH, [secretHash]);
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

    /** The slow path: the admin token, or a key read from the database. Throws 401 for anything else. */
    async function authenticate(
      token: string | undefined,
      secretHash: string,
      needed: RouteAuth,
    ): Promise<{ kind: 'admin' } | VerifiedKey> {
      if (!token) throw new UnauthorizedError();
      if (secretHashesEqual(secretHash, adminHash)) {
        if (!admin(needed))
          throw new ForbiddenError('The admin token manages projects and keys; use a project API key for this route.');
        return ADMIN_PRINCIPAL;
      }
      if (apiKeyShape(token) === 'malformed') throw new UnauthorizedError('The token is not valid.');
      return verify(secretHash);
    }

    /** Admits the request as `key` when the key's scopes allow the route; throws 403 otherwise. */
    function admitKey(request: FastifyRequest, key: VerifiedKey, needed: Exclude<RouteAuth, 'public'>): void {
      request.principal = key;
      usage.touch(key.keyId);
      if (needed === 'admin') throw new ForbiddenError('This route needs the operator admin token.');
      const scope: ApiKeyScope = needed === 'admin-or-project-admin' ? 'admin' : needed;
      if (!hasScope(key.scopes, scope)) throw new ForbiddenError(`This API key lacks the '${scope}' scope.`);
    }

    /** What the cache cannot answer: the throttle of failed authentications, then the admin token or the database. */
    async function admitUncached(
      request: FastifyRequest,
      reply: FastifyReply,
      token: string | undefined,
      secretHash: string,
      needed: Exclude<RouteAuth, 'public'>,
    ): Promise<void> {
      await app.authFailures.assertAllowed(request, reply);
      let principal: { kind: 'admin' } | VerifiedKey;
      try {
        principal = await authenticate(token, secretHash, needed);
      } catch (error) {
        if (error instanceof UnauthorizedError) await app.authFailures.recordFailure(request);
        throw error;
      }
      if (principal.kind === 'admin') request.principal = principal;
      else admitKey(request, principal, needed);
    }

    // A callback hook: a cached key, nearly every request, is admitted in the turn that read the
    // request, without the promises of an async hook.
    app.addHook('onRequest', (request, reply, done) => {
      const needed = request.routeOptions.config?.auth;
      if (needed === 'public' || request.is404) return done();
      if (!needed) throw new ForbiddenError('This route declares no access rule.');
      let token: string | undefined;
      try {
        token = bearer(request);
      } catch (error) {
        app.authFailures.recordFailure(request).then(() => done(error as Error), done);
        return;
      }
      // One hash serves the key lookup (the stored form of a key, and the cache's key) and the
      // constant-time admin comparison. A cached key is a verified API key, never the admin token
      // (a different secret), so a hit skips that comparison and reveals nothing about it.
      const secretHash = token ? hashSecret(token) : '';
      const key = token ? cachedKey(secretHash) : undefined;
      if (key === undefined) {
        admitUncached(request, reply, token, secretHash, needed).then(() => done(), done);
        return;
      }
      admitKey(request, key, needed); // what it throws, Fastify answers, as from any hook
      done();
    });

    app.decorate('apiKeyCache', keys);
    app.decorate('keyUsage', usage);
    app.addHook('onClose', async () => {
      keys.clear();
      await usage.settled();
    });
  },
  { name: 'maas-auth', dependencies: ['maas-rate-limits'] },
);
