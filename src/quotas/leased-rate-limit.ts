import type { Redis, Result } from 'ioredis';

/**
 * One Lua call leases tokens of a fixed window's counter: it takes back `giveBack` tokens an
 * earlier lease of this replica left unspent, then grants up to `want` more without passing
 * `max`. The counter therefore never exceeds `max` and refused requests add nothing to it, so
 * tokens given back by one replica are there for the others.
 */
const LEASE_SCRIPT = `
local want = tonumber(ARGV[1])
local max = tonumber(ARGV[3])
local count = tonumber(redis.call('GET', KEYS[1]) or '0') - tonumber(ARGV[2])
if count < 0 then count = 0 end
local granted = math.min(want, math.max(0, max - count))
count = count + granted
redis.call('SET', KEYS[1], count, 'PX', ARGV[4])
return {granted, count}
`;

/** Gives back unspent tokens; a window that already ended (its key expired) is left alone. */
const GIVE_BACK_SCRIPT = `
local count = tonumber(redis.call('GET', KEYS[1]) or '-1')
if count < 0 then return 0 end
count = math.max(0, count - tonumber(ARGV[1]))
redis.call('SET', KEYS[1], count, 'KEEPTTL')
return count
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    maasLeaseTokens(
      key: string,
      want: number,
      giveBack: number,
      max: number,
      ttlMs: number,
    ): Result<[number, number], Context>;
    maasGiveBackTokens(key: string, tokens: number): Result<number, Context>;
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
  /** The counters live under `<keyPrefix><id>:<window number>`. */
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
  window: number;
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

  /** Counts one request of `id`. */
  async take(id: string, now = Date.now()): Promise<RateLimitOutcome> {
    const { windowMs, max } = this.#opts;
    const window = Math.floor(now / windowMs);
    const resetSeconds = Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000));
    for (;;) {
      let lease = this.#leases.get(id);
      if (lease === undefined || lease.window !== window) {
        // Bounded: ids are API keys and projects; entries of ended windows are dropped here or by the sweep.
        if (this.#leases.size >= 100_000) this.#leases.clear();
        lease = { window, left: 0, count: 0, spent: 0, expiresAt: 0, full: false };
        this.#leases.set(id, lease);
      }
      if (lease.left > 0 && now < lease.expiresAt) {
        lease.left--;
        lease.spent++;
        return { allowed: true, limit: max, remaining: max - lease.count + lease.left, resetSeconds };
      }
      if (lease.full && now < lease.expiresAt) return { allowed: false, limit: max, remaining: 0, resetSeconds };
      if (lease.pending) {
        await lease.pending;
        continue;
      }
      const renewed = this.#renew(id, lease, now);
      lease.pending = renewed;
      const ok = await renewed.finally(() => (lease.pending = undefined));
      // Redis could not answer: the request goes through (readiness reports the outage).
      if (!ok) return { allowed: true, limit: max, remaining: max, resetSeconds };
      // Requests that waited for this lease may have spent it first: the loop then leases again,
      // until a lease comes back empty (`full`).
    }
  }

  /** Gives back every unspent token, e.g. when the replica shuts down. */
  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    await this.#giveBackExpired(Number.POSITIVE_INFINITY);
    this.#leases.clear();
  }

  async #renew(id: string, lease: Lease, now: number): Promise<boolean> {
    const { windowMs, max, maxLease, leaseMs } = this.#opts;
    const headroom = Math.floor((max - lease.count) / 16);
    const want = Math.max(1, Math.min(maxLease, headroom, 2 * lease.spent + 1));
    const giveBack = lease.left;
    const ttlMs = (lease.window + 1) * windowMs - now + windowMs;
    this.calls++;
    try {
      const [granted, count] = await this.#redis.maasLeaseTokens(
        this.#key(id, lease.window),
        want,
        giveBack,
        max,
        ttlMs,
      );
      Object.assign(lease, { left: granted, count, spent: 0, expiresAt: now + leaseMs, full: granted === 0 });
      return true;
    } catch {
      return false;
    }
  }

  async #giveBackExpired(now = Date.now()): Promise<void> {
    const window = Math.floor(Date.now() / this.#opts.windowMs);
    const returns: Promise<unknown>[] = [];
    for (const [id, lease] of this.#leases) {
      if (lease.window !== window) {
        if (!lease.pending) this.#leases.delete(id);
        continue;
      }
      if (lease.pending || lease.expiresAt > now || lease.left === 0) continue;
      this.calls++;
      returns.push(this.#redis.maasGiveBackTokens(this.#key(id, lease.window), lease.left).catch(() => undefined));
      lease.left = 0;
    }
    await Promise.all(returns);
  }

  #key(id: string, window: number): string {
    return `${this.#opts.keyPrefix}${id}:${window}`;
  }
}

function defineScripts(redis: Redis): void {
  if (typeof redis.maasLeaseTokens === 'function') return;
  redis.defineCommand('maasLeaseTokens', { numberOfKeys: 1, lua: LEASE_SCRIPT });
  redis.defineCommand('maasGiveBackTokens', { numberOfKeys: 1, lua: GIVE_BACK_SCRIPT });
}
