import rateLimit from '@fastify/rate-limit';
import RedisStore from '@fastify/rate-limit/store/RedisStore.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { RateLimitedError } from '../../errors.ts';
import { LeasedRateLimit, type RateLimitOutcome } from '../../quotas/leased-rate-limit.ts';

export interface RateLimitsOptions {
  /** The service's fail-fast connection: while Redis is down the limits let requests through. */
  redis: Redis;
  /** The deployment's Redis prefix; the counters live under `<prefix>:rate-limit:`. */
  prefix: string;
  windowSeconds: number;
  /** Requests per window for all keys of a project together; 0 for none. */
  perProject: number;
  /** Requests per window for one key; 0 for none. Checked only when stricter than `perProject`. */
  perKey: number;
  /** Failed authentications per window from one client address; 0 for no throttling. */
  authFailuresPerAddress: number;
}

/** Failed authentications per client address, counted in Redis so that every replica sees them. */
export interface AuthFailureThrottle {
  /** Throws `rate_limited` when the caller's address has failed too often; asked before any key lookup. */
  assertAllowed(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Counts one failed authentication of the caller's address. */
  recordFailure(request: FastifyRequest): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    authFailures: AuthFailureThrottle;
  }
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;
type Outcome = Awaited<ReturnType<Limiter>>;
type Counted = Extract<Outcome, { isAllowed: false }>;

/**
 * The plugin's Redis store keys a limiter made by `createRateLimit(options)` by the route it
 * was made for, which such a limiter has none of; this names it by its `groupId` instead, so
 * the counters read `<prefix>:rate-limit:project:<id>`.
 */
function groupedRedisStore(redis: Redis, nameSpace: string) {
  return class GroupedRedisStore extends RedisStore {
    constructor() {
      super(false, false, redis, nameSpace);
    }
    override child(params: object): RedisStore {
      return new RedisStore(false, false, redis, `${nameSpace}${(params as { groupId?: string }).groupId}:`);
    }
  };
}

/**
 * The IETF draft's RateLimit headers (the names of the plugin's `enableDraftSpec`), written here
 * because two limits may apply to one request: they report the one closest to being spent.
 */
function setHeaders(reply: FastifyReply, outcome: RateLimitOutcome): void {
  reply.header('ratelimit-limit', outcome.limit);
  reply.header('ratelimit-remaining', outcome.remaining);
  reply.header('ratelimit-reset', outcome.resetSeconds);
}

function limitSpent(outcome: RateLimitOutcome, windowSeconds: number, what: string): RateLimitedError {
  const retryAfter = Math.max(1, outcome.resetSeconds);
  return new RateLimitedError(`${what} Retry in ${retryAfter} s.`, retryAfter, { limit: outcome.limit, windowSeconds });
}

/** A refusal of @fastify/rate-limit's store in the terms of the leased limits. */
const refusal = (counted: Counted): RateLimitOutcome => ({
  allowed: false,
  limit: counted.max,
  remaining: counted.remaining,
  resetSeconds: counted.ttlInSeconds,
});

/**
 * Rate limits that hold across replicas: per project and per API key on every request a key
 * authenticated, counted with tokens leased from Redis (`LeasedRateLimit`: no Redis round trip
 * on most requests, exact near the limit), and failed authentications per client address, on
 * @fastify/rate-limit's Redis store (one Lua call per failure or check: a rare path, where an
 * exact count matters more). Public routes and the admin token are not limited.
 * Register before the auth plugin, which asks `app.authFailures` before any key lookup; the
 * per-project check runs in `preParsing`, after authentication and before the body is read.
 */
export const rateLimitsPlugin = fp(
  async function rateLimitsPlugin(app: FastifyInstance, opts: RateLimitsOptions) {
    const windowMs = opts.windowSeconds * 1000;
    await app.register(rateLimit, {
      global: false,
      skipOnError: true,
      store: groupedRedisStore(opts.redis, `${opts.prefix}:rate-limit:`),
    });
    const limiter = (groupId: string, max: number, keyOf: (request: FastifyRequest) => string): Limiter =>
      // groupId is an option the plugin reads but its types leave out.
      app.createRateLimit({ max, timeWindow: windowMs, keyGenerator: keyOf, groupId } as Parameters<
        FastifyInstance['createRateLimit']
      >[0]);

    const principalKey = (request: FastifyRequest) =>
      request.principal?.kind === 'key' ? request.principal : undefined;
    const leased = (group: string, max: number) =>
      new LeasedRateLimit({ redis: opts.redis, keyPrefix: `${opts.prefix}:rate-limit:${group}:`, max, windowMs });
    const byProject = opts.perProject > 0 ? leased('project', opts.perProject) : null;
    // The key's limit is counted only when the project's does not already cover it.
    const keyIsStricter = opts.perKey > 0 && (opts.perProject === 0 || opts.perKey < opts.perProject);
    const byKey = keyIsStricter ? leased('key', opts.perKey) : null;
    app.addHook('onClose', async () => {
      await Promise.all([byProject?.close(), byKey?.close()]);
    });

    if (byProject || byKey) {
      /** The request's verdict from both limits: sets the RateLimit headers, answers the refusal, if any. */
      const verdict = (reply: FastifyReply, project?: RateLimitOutcome, key?: RateLimitOutcome): Error | undefined => {
        const tightest = [project, key].reduce<RateLimitOutcome | undefined>(
          (a, b) => (b === undefined || (a && a.remaining <= b.remaining) ? a : b),
          undefined,
        );
        if (tightest === undefined) return undefined;
        setHeaders(reply, tightest);
        if (project && !project.allowed)
          return limitSpent(project, opts.windowSeconds, "The project's rate limit is spent.");
        if (key && !key.allowed) return limitSpent(key, opts.windowSeconds, "This API key's rate limit is spent.");
        return undefined;
      };
      // A callback hook: the leases answer most requests synchronously, and then the request
      // goes on to its body in the same turn, without the promises of an async hook.
      app.addHook('preParsing', (request, reply, payload, done) => {
        const principal = principalKey(request);
        if (!principal) return done(null, payload);
        const project = byProject?.takeLocally(principal.projectId);
        const key = byKey?.takeLocally(principal.keyId);
        if ((project === undefined && byProject) || (key === undefined && byKey)) {
          // A lease to renew: only Redis can answer; what a lease already answered is not counted twice.
          Promise.all([project ?? byProject?.take(principal.projectId), key ?? byKey?.take(principal.keyId)]).then(
            ([p, k]) => done(verdict(reply, p, k) ?? null, payload),
            done,
          );
          return;
        }
        done(verdict(reply, project, key) ?? null, payload);
      });
    }

    const failures =
      opts.authFailuresPerAddress > 0 ? limiter('auth-failures', opts.authFailuresPerAddress, (r) => r.ip) : null;
    app.decorate('authFailures', {
      async assertAllowed(request, reply) {
        if (!failures) return;
        const outcome = await failures(request, { increment: false });
        // A read compares nothing: `max` failures already counted spend the allowance.
        if (!outcome.isAllowed && outcome.remaining === 0 && outcome.ttl > 0) {
          const refused = refusal(outcome);
          setHeaders(reply, refused);
          throw limitSpent(refused, opts.windowSeconds, 'Too many failed authentications from this address.');
        }
      },
      async recordFailure(request) {
        await failures?.(request);
      },
    } satisfies AuthFailureThrottle);
  },
  { name: 'maas-rate-limits', fastify: '5.x' },
);
