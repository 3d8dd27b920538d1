import type { Redis, Result } from 'ioredis';

/**
 * One Lua call leases tokens of a fixed window's counter, a hash of the window's `start` (Redis's
 * clock, in microseconds, when its first request came) and its `count`, which expires with the
 * window. The call takes back `giveBack` tokens a lease of this replica left unspent, if that
 * lease was of this same window (`since`), then grants up to `want` more without passing `max`:
 * the count never exceeds `max` and refused requests add nothing to it, so tokens given back by
 * one replica are there for the others. Answers the tokens granted, the count, the window's
 * remaining milliseconds and its start.
 */
const LEASE_SCRIPT = `
local want = tonumber(ARGV[1])
local max = tonumber(ARGV[4])
local start = redis.call('HGET', KEYS[1], 'start')
local count = 0
if not start then
  local now = redis.call('TIME')
  start = now[1] .. string.format('%06d', tonumber(now[2]))
  redis.call('HSET', KEYS[1], 'start', start)
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
else
  count = tonumber(redis.call('HGET', KEYS[1], 'count') or '0')
  if start == ARGV[3] then count = math.max(0, count - tonumber(ARGV[2])) end
end
local granted = math.min(want, math.max(0, max - count))
count = count + granted
redis.call('HSET', KEYS[1], 'count', count)
return {granted, count, redis.call('PTTL', KEYS[1]), start}
`;

/** Gives back unspent tokens, unless their window ended (a later window has another start). */
const GIVE_BACK_SCRIPT = `
if redis.call('HGET', KEYS[1], 'start') ~= ARGV[1] then return 0 end
local count = tonumber(redis.call('HGET', KEYS[1], 'count') or '0')
redis.call('HSET', KEYS[1], 'count', math.max(0, count - tonumber(ARGV[2])))
return 1
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    maasLeaseTokens(
      key: string,
      want: number,
      giveBack: number,
      since: string,
      max: number,
      windowMs: number,
    ): Result<[number, number, number, string], Context>;
    maasGiveBackTokens(key: string, since: string, tokens: number): Result<number, Context>;
  }
}

/** The answer for one request: allowed or not, and what the RateLimit headers report. */
export interface RateLimitOutcome {
  allowed: boolean;
  limit: number;
  /** Requests left in the window as this replica knows it. */
  remaining: number;
  /** Seconds until the window ends. */
  resetSeconds: number;
}

export interface LeasedRateLimitOptions {
  /** A fail-fast connection: while Redis cannot answer, requests go through. */
  redis: Redis;
  /** The counters live under `<keyPrefix><id>`. */
  keyPrefix: string;
  /** Requests per window per id. */
  max: number;
  windowMs: number;
  /** How long a lease's tokens stay with this replica before unspent ones go back (default 1 s). */
  leaseMs?: number;
  /** The most tokens one lease takes (default 256). */
  maxLease?: number;
}

interface Lease {
  /** The window's start as Redis named it; '' before the first lease. */
  start: string;
  /** When the window ends, by this replica's clock (from the milliseconds Redis said it had left). */
  windowEndsAt: number;
  /** Tokens this replica holds and has not spent. */
  left: number;
  /** The window's count in Redis after this replica's last lease. */
  count: number;
  /** Tokens spent from the current lease, which sizes the next one. */
  spent: number;
  expiresAt: number;
  /** Known to be spent at `count`: refused here until the lease expires, without asking Redis. */
  full: boolean;
  /** The lease call on its way, which requests arriving meanwhile wait for. */
  pending?: Promise<boolean>;
}

/**
 * A fixed-window rate limit shared by every replica through Redis, without a Redis round trip
 * per request: each replica leases tokens from the window's counter and spends them locally
 * (the scheme Kong's and Envoy's cluster-wide limiters use to take Redis off the request path).
 * A lease grows with what the previous one spent (1, 3, 7, ... up to `maxLease`) and never
 * exceeds a sixteenth of what the window has left, so near the limit every request asks Redis
 * and the limit stays exact; tokens unspent when a lease expires go back to the counter.
 */
export class LeasedRateLimit {
  readonly #redis: Redis;
  readonly #opts: Required<Omit<LeasedRateLimitOptions, 'redis'>>;
  readonly #leases = new Map<string, Lease>();
  readonly #sweeper: NodeJS.Timeout;
  /** Redis calls made so far (leases and give-backs). */
  calls = 0;

  constructor(opts: LeasedRateLimitOptions) {
    this.#redis = opts.redis;
    this.#opts = { leaseMs: 1_000, maxLease: 256, ...opts };
    defineScripts(this.#redis);
    this.#sweeper = setInterval(() => void this.#giveBackExpired(), this.#opts.leaseMs);
    this.#sweeper.unref();
  }

  /**
   * Counts one request of `id` when this replica's lease can answer it without Redis: while the
   * lease has tokens, or is known to be spent. Undefined, counting nothing, when only Redis can
   * answer (no lease yet, or it ran out): the request then goes through {@link take}. Most
   * requests are answered here, on the event loop's turn that read them.
   */
  takeLocally(id: string, now = Date.now()): RateLimitOutcome | undefined {
    const lease = this.#leaseOf(id, now);
    const { max } = this.#opts;
    const resetSeconds = Math.max(1, Math.ceil((lease.windowEndsAt - now) / 1000));
    if (lease.left > 0 && now < lease.expiresAt) {
      lease.left--;
      lease.spent++;
      return { allowed: true, limit: max, remaining: max - lease.count + lease.left, resetSeconds };
    }
    if (lease.full && now < lease.expiresAt) return { allowed: false, limit: max, remaining: 0, resetSeconds };
    return undefined;
  }

  /** Counts one request of `id`, leasing tokens from Redis when this replica has none left. */
  async take(id: string, now = Date.now()): Promise<RateLimitOutcome> {
    const { max } = this.#opts;
    for (;;) {
      const local = this.takeLocally(id, now);
      if (local !== undefined) return local;
      const lease = this.#leaseOf(id, now);
      if (lease.pending) {
        await lease.pending;
        continue;
      }
      const renewed = this.#renew(id, lease, now);
      lease.pending = renewed;
      const ok = await renewed.finally(() => (lease.pending = undefined));
      // Redis could not answer: the request goes through (readiness reports the outage).
      if (!ok)
        return { allowed: true, limit: max, remaining: max, resetSeconds: Math.ceil(this.#opts.windowMs / 1000) };
      // Requests that waited for this lease may have spent it first: the loop then leases again,
      // until a lease comes back empty (`full`).
    }
  }

  /** The lease of `id`, made on first use, emptied when its window has ended. */
  #leaseOf(id: string, now: number): Lease {
    let lease = this.#leases.get(id);
    if (lease === undefined) {
      // Bounded: ids are API keys and projects; leases of ended windows are dropped by the sweep.
      if (this.#leases.size >= 100_000) this.#leases.clear();
      lease = { start: '', windowEndsAt: 0, left: 0, count: 0, spent: 0, expiresAt: 0, full: false };
      this.#leases.set(id, lease);
    } else if (now >= lease.windowEndsAt && !lease.pending) {
      // The window ended: what was left of it ended with it.
      Object.assign(lease, { left: 0, count: 0, spent: 0, full: false });
    }
    return lease;
  }

  /** Gives back every unspent token, e.g. when the replica shuts down. */
  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    await this.#giveBackExpired(Date.now(), true);
    this.#leases.clear();
  }

  async #renew(id: string, lease: Lease, now: number): Promise<boolean> {
    const { windowMs, max, maxLease, leaseMs } = this.#opts;
    const headroom = Math.floor((max - lease.count) / 16);
    const want = Math.max(1, Math.min(maxLease, headroom, 2 * lease.spent + 1));
    this.calls++;
    try {
      const [granted, count, remainingMs, start] = await this.#redis.maasLeaseTokens(
        this.#opts.keyPrefix + id,
        want,
        lease.left,
        lease.start,
        max,
        windowMs,
      );
      Object.assign(lease, {
        start,
        windowEndsAt: now + remainingMs,
        left: granted,
        count,
        spent: 0,
        expiresAt: now + leaseMs,
        full: granted === 0,
      });
      return true;
    } catch {
      return false;
    }
  }

  /** Gives back the unspent tokens of leases older than `leaseMs` (all of them on close). */
  async #giveBackExpired(now = Date.now(), all = false): Promise<void> {
    const returns: Promise<unknown>[] = [];
    for (const [id, lease] of this.#leases) {
      if (lease.pending) continue;
      if (now >= lease.windowEndsAt && !all) {
        this.#leases.delete(id);
        continue;
      }
      if ((lease.expiresAt > now && !all) || lease.left === 0) continue;
      this.calls++;
      returns.push(
        this.#redis.maasGiveBackTokens(this.#opts.keyPrefix + id, lease.start, lease.left).catch(() => undefined),
      );
      lease.left = 0;
    }
    await Promise.all(returns);
  }
}

function defineScripts(redis: Redis): void {
  if (typeof redis.maasLeaseTokens === 'function') return;
  redis.defineCommand('maasLeaseTokens', { numberOfKeys: 1, lua: LEASE_SCRIPT });
  redis.defineCommand('maasGiveBackTokens', { numberOfKeys: 1, lua: GIVE_BACK_SCRIPT });
}
