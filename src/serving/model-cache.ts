import type { ModelCacheEvent } from '../observability/serving-events.ts';

/** Counters of a {@link ModelCache} since it was built. */
export interface ModelCacheStats {
  hits: number;
  /** Acquires that found no ready value, including those that joined a load already under way. */
  misses: number;
  /** Calls of `load` (coalesced: many misses, one load). */
  loads: number;
  loadFailures: number;
  /** Values pushed out by the entry or byte limit. */
  evictions: number;
  invalidations: number;
  entries: number;
  bytes: number;
  /** Evicted or invalidated values still in use, waiting for their last release to be disposed. */
  awaitingDisposal: number;
}

/** Options of {@link ModelCache}. */
export interface ModelCacheOptions<K, V> {
  /** Most values kept. Default unlimited. */
  maxEntries?: number;
  /** Most bytes kept (the sum of what `load` reported). Default unlimited. */
  maxBytes?: number;
  /** Loads a value and reports its size in bytes. A rejection is handed to its waiters and not cached. */
  load: (key: K) => Promise<{ value: V; bytes: number }>;
  /** Runs once per loaded value before anyone gets it (e.g. a first predict to compile kernels). */
  warmUp?: (value: V) => Promise<void> | void;
  /** Frees a value; called once, when it has left the cache and its last user released it. */
  dispose: (value: V) => void;
  /** Turns a key into the map key. Default: strings as they are, anything else through JSON.stringify. */
  keyOf?: (key: K) => string;
  /** Observes cache events, e.g. to count them in Prometheus. */
  onEvent?: (event: ModelCacheEvent) => void;
  /** Receives errors thrown by `dispose`. Default: a process warning. */
  onDisposeError?: (error: unknown) => void;
}

/** A value held out of the cache; it is not disposed before `release()` is called. */
export interface ModelLease<V> {
  readonly value: V;
  /** Gives the value back. Idempotent. */
  release(): void;
}

interface Entry<V> {
  value: V;
  bytes: number;
  refs: number;
  /** Out of the map (evicted or invalidated): disposed when refs reaches 0. */
  retired: boolean;
}

interface Loading<V> {
  promise: Promise<Entry<V>>;
  /** Acquirers waiting for this load; they own a reference from the moment the value exists. */
  waiters: number;
  invalidated: boolean;
}

/**
 * A least-recently-used cache of loaded models (or anything that must be loaded once, warmed
 * up, and freed explicitly) shared by concurrent requests.
 *
 * Values are reference counted: eviction removes a value from the cache at once, so new
 * requests load a fresh one, but disposes it only when every request using it has released
 * it. Disposing a TensorFlow.js model under a running predict would free its weights mid-call.
 */
export class ModelCache<K, V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly loading = new Map<string, Loading<V>>();
  private readonly keyOf: (key: K) => string;
  private bytes = 0;
  private awaitingDisposal = 0;
  private readonly counters = { hits: 0, misses: 0, loads: 0, loadFailures: 0, evictions: 0, invalidations: 0 };

  constructor(private readonly options: ModelCacheOptions<K, V>) {
    this.keyOf = options.keyOf ?? ((key) => (typeof key === 'string' ? key : JSON.stringify(key)));
    if (options.maxEntries !== undefined && !(options.maxEntries >= 1)) throw new RangeError('maxEntries must be >= 1');
    if (options.maxBytes !== undefined && !(options.maxBytes >= 0)) throw new RangeError('maxBytes must be >= 0');
  }

  /** Counters and current size. */
  stats(): ModelCacheStats {
    return { ...this.counters, entries: this.entries.size, bytes: this.bytes, awaitingDisposal: this.awaitingDisposal };
  }

  /**
   * Returns a lease on the value for `key`, loading and warming it up on a miss. Concurrent
   * misses share one load. The caller must call `release()` when done; prefer {@link use}.
   */
  async acquire(key: K): Promise<ModelLease<V>> {
    const id = this.keyOf(key);
    // Everything up to the await below runs synchronously, so a reference is taken before
    // anything else (an eviction triggered by another load) can run.
    const cached = this.entries.get(id);
    if (cached !== undefined) {
      this.count('hits', 'hit');
      this.entries.delete(id);
      this.entries.set(id, cached); // Map order is the LRU order: most recent last.
      cached.refs += 1;
      return this.lease(cached);
    }
    this.count('misses', 'miss');
    const loading = this.loading.get(id) ?? this.startLoad(id, key);
    loading.waiters += 1;
    return this.lease(await loading.promise);
  }

  /** Runs `fn` with the value for `key` and releases it afterwards, even when `fn` throws. */
  async use<R>(key: K, fn: (value: V) => Promise<R> | R): Promise<R> {
    const lease = await this.acquire(key);
    try {
      return await fn(lease.value);
    } finally {
      lease.release();
    }
  }

  /**
   * Drops the value for `key` (e.g. a deleted model version): the next acquire loads it
   * again, a load under way is not cached, and users holding it keep it until they release.
   */
  invalidate(key: K): void {
    const id = this.keyOf(key);
    const loading = this.loading.get(id);
    if (loading !== undefined) loading.invalidated = true;
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.counters.invalidations += 1;
    this.remove(id, entry);
  }

  /** Drops every value, as {@link invalidate} does; for shutdown. */
  clear(): void {
    for (const loading of this.loading.values()) loading.invalidated = true;
    for (const [id, entry] of [...this.entries]) {
      this.counters.invalidations += 1;
      this.remove(id, entry);
    }
  }

  private startLoad(id: string, key: K): Loading<V> {
    this.count('loads', 'load');
    const state = { waiters: 0, invalidated: false };
    // Start on a microtask so that even a `load` throwing synchronously settles after the
    // record is registered, and its cleanup (the finally in loadEntry) really removes it.
    const promise = Promise.resolve().then(() => this.loadEntry(id, key, state));
    const record: Loading<V> = Object.assign(state, { promise });
    this.loading.set(id, record);
    return record;
  }

  private async loadEntry(id: string, key: K, state: Omit<Loading<V>, 'promise'>): Promise<Entry<V>> {
    try {
      const { value, bytes } = await this.options.load(key);
      try {
        await this.options.warmUp?.(value);
      } catch (error) {
        this.disposeValue(value);
        throw error;
      }
      // Every waiter holds a reference before the entry is visible, so the eviction in
      // insert() can retire it but never dispose it under them.
      const entry: Entry<V> = { value, bytes, refs: state.waiters, retired: state.invalidated };
      if (entry.retired) this.awaitingDisposal += 1;
      else this.insert(id, entry);
      return entry;
    } catch (error) {
      this.counters.loadFailures += 1;
      throw error;
    } finally {
      // A failed load leaves nothing behind: the next acquire tries again.
      this.loading.delete(id);
    }
  }

  private insert(id: string, entry: Entry<V>): void {
    this.entries.set(id, entry);
    this.bytes += entry.bytes;
    const { maxEntries = Infinity, maxBytes = Infinity } = this.options;
    // The newest entry always stays, even alone over maxBytes: evicting it at once would
    // turn every request for that model into a reload.
    while (this.entries.size > 1 && (this.entries.size > maxEntries || this.bytes > maxBytes)) {
      const oldest = this.entries.entries().next().value;
      if (oldest === undefined) break;
      this.counters.evictions += 1;
      this.options.onEvent?.('eviction');
      this.remove(oldest[0], oldest[1]);
    }
  }

  private remove(id: string, entry: Entry<V>): void {
    this.entries.delete(id);
    this.bytes -= entry.bytes;
    entry.retired = true;
    if (entry.refs === 0) this.disposeValue(entry.value);
    else this.awaitingDisposal += 1;
  }

  private lease(entry: Entry<V>): ModelLease<V> {
    let released = false;
    return {
      value: entry.value,
      release: () => {
        if (released) return;
        released = true;
        entry.refs -= 1;
        if (entry.refs === 0 && entry.retired) {
          this.awaitingDisposal -= 1;
          this.disposeValue(entry.value);
        }
      },
    };
  }

  private disposeValue(value: V): void {
    try {
      this.options.dispose(value);
    } catch (error) {
      // A failing dispose must not fail the request that happened to release last.
      if (this.options.onDisposeError) this.options.onDisposeError(error);
      else process.emitWarning(`Model cache dispose failed: ${String(error)}`);
    }
  }

  private count(counter: 'hits' | 'misses' | 'loads', event: ModelCacheEvent): void {
    this.counters[counter] += 1;
    this.options.onEvent?.(event);
  }
}
