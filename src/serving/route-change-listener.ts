import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import { parseRouteChange, routeChangeChannel, type RouteChange } from '../registry/route-changes.ts';

export interface RouteChangeListenerOptions {
  redisUrl: string;
  prefix: string;
  /** Applies a notice (drops the model's cached resolutions); runs synchronously on receipt. */
  apply: (change: RouteChange) => void;
  /** Notices reach this process (true), or may not (false: drop every cached resolution). */
  setLive: (live: boolean) => void;
}

/**
 * The subscriber side of route-change notices (src/registry/route-changes.ts): one Redis
 * connection per API process, subscribed to the deployment's channel. The cache is live only
 * between a confirmed subscription and the connection's loss; any error or disconnect drops
 * it, so a notice missed meanwhile costs a re-read, never a stale answer.
 *
 * Emits `applied` (a notice was applied), `live` (subscribed) and `dropped` (cache dropped).
 */
export class RouteChangeListener extends EventEmitter {
  readonly #redis: Redis;
  readonly #channel: string;
  #closed = false;
  #subscribed = false;
  #clientId: number | undefined;

  constructor(private readonly opts: RouteChangeListenerOptions) {
    super();
    this.#channel = routeChangeChannel(opts.prefix);
    this.#redis = new Redis(opts.redisUrl, {
      lazyConnect: true,
      // Subscribed again by hand on every `ready`, so that being live means being subscribed.
      autoResubscribe: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    this.#redis.on('ready', () => void this.#subscribe());
    // An error on a connection that stays up drops the cache but not the subscription.
    this.#redis.on('error', () => this.#drop(this.#subscribed && this.#redis.status === 'ready'));
    this.#redis.on('close', () => {
      this.#subscribed = false;
      this.#drop(false);
    });
    this.#redis.on('message', (channel: string, text: string) => {
      if (channel !== this.#channel) return;
      const change = parseRouteChange(text);
      if (change === undefined) return;
      this.opts.apply(change);
      this.emit('applied', change);
    });
  }

  /** Connects in the background (retrying while Redis is away); see {@link whenLive}. */
  start(): void {
    this.#redis.connect().catch(() => undefined);
  }

  get live(): boolean {
    return this.#subscribed;
  }

  /** Resolves once subscribed: at once when already. */
  whenLive(): Promise<void> {
    if (this.#subscribed) return Promise.resolve();
    return new Promise((resolve) => this.once('live', () => resolve()));
  }

  /** The connection's id on the Redis server, once subscribed (tests kill it to play a network cut). */
  get clientId(): number | undefined {
    return this.#clientId;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.opts.setLive(false);
    if (this.#redis.status === 'wait') this.#redis.disconnect();
    else await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  async #subscribe(): Promise<void> {
    try {
      // Asked first: a subscribed connection answers nothing but (un)subscriptions.
      this.#clientId = (await this.#redis.client('ID')) as number;
      await this.#redis.subscribe(this.#channel);
    } catch {
      this.#drop(false);
      return;
    }
    if (this.#closed) return;
    this.#subscribed = true;
    this.opts.setLive(true);
    this.emit('live');
  }

  /** Drops every cached resolution; `stayLive` when notices still arrive (an error on a live connection). */
  #drop(stayLive: boolean): void {
    this.opts.setLive(false);
    if (stayLive && !this.#closed) this.opts.setLive(true);
    this.emit('dropped');
  }
}
