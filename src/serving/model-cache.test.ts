import { describe, expect, it } from 'vitest';
import type { ModelCacheEvent } from '../observability/serving-events.ts';
import { ModelCache } from './model-cache.ts';
import type { ModelCacheOptions } from './model-cache.ts';
import { modelVersionCacheKey } from '../../test/support/model-version-key.ts';
import type { ModelVersionKey } from '../../test/support/model-version-key.ts';

/** A stand-in for a loaded model that records what happened to it. */
interface FakeModel {
  key: string;
  generation: number;
  warm: boolean;
  disposed: boolean;
}

/** A cache over fake models, with a log of every load, warm-up and dispose. */
function fakeCache(options: Partial<ModelCacheOptions<string, FakeModel>> & { bytes?: number } = {}) {
  const log: string[] = [];
  const events: ModelCacheEvent[] = [];
  const generations = new Map<string, number>();
  const cache = new ModelCache<string, FakeModel>({
    load: async (key) => {
      const generation = (generations.get(key) ?? 0) + 1;
      generations.set(key, generation);
      log.push(`load ${key}`);
      await new Promise((resolve) => setImmediate(resolve));
      return { value: { key, generation, warm: false, disposed: false }, bytes: options.bytes ?? 10 };
    },
    warmUp: async (model) => {
      log.push(`warm ${model.key}`);
      await new Promise((resolve) => setImmediate(resolve));
      model.warm = true;
    },
    dispose: (model) => {
      log.push(`dispose ${model.key}#${model.generation}`);
      model.disposed = true;
    },
    onEvent: (event) => events.push(event),
    ...options,
  });
  return { cache, log, events };
}

describe('ModelCache', () => {
  it('loads and warms up once for a hundred concurrent first requests', async () => {
    const { cache, log, events } = fakeCache();

    const leases = await Promise.all(Array.from({ length: 100 }, () => cache.acquire('m1')));

    expect(log).toEqual(['load m1', 'warm m1']);
    expect(new Set(leases.map((lease) => lease.value)).size).toBe(1);
    expect(leases.every((lease) => lease.value.warm)).toBe(true);
    expect(cache.stats()).toMatchObject({ loads: 1, misses: 100, hits: 0, entries: 1, bytes: 10 });
    expect(events.filter((e) => e === 'load')).toHaveLength(1);
    for (const lease of leases) lease.release();

    await cache.use('m1', (model) => expect(model.warm).toBe(true));
    expect(cache.stats()).toMatchObject({ loads: 1, hits: 1 });
  });

  it('evicts the least recently used value beyond maxEntries', async () => {
    const { cache, log } = fakeCache({ maxEntries: 2 });
    await cache.use('a', () => {});
    await cache.use('b', () => {});
    await cache.use('a', () => {}); // a is now the most recently used

    await cache.use('c', () => {});

    expect(log.filter((line) => line.startsWith('dispose'))).toEqual(['dispose b#1']);
    await cache.use('a', () => {});
    expect(log.filter((line) => line === 'load a')).toHaveLength(1);
    expect(cache.stats()).toMatchObject({ entries: 2, evictions: 1 });
  });

  it('evicts by bytes, but keeps a single value larger than maxBytes', async () => {
    const { cache, log } = fakeCache({ maxBytes: 100, bytes: 60 });
    await cache.use('a', () => {});
    await cache.use('b', () => {});

    expect(log.filter((line) => line.startsWith('dispose'))).toEqual(['dispose a#1']);
    expect(cache.stats()).toMatchObject({ entries: 1, bytes: 60 });
    await cache.use('b', () => {});
    expect(cache.stats().loads).toBe(2);
  });

  it('disposes an evicted value only after its last user released it', async () => {
    const { cache } = fakeCache({ maxEntries: 1 });
    const first = await cache.acquire('a');
    const second = await cache.acquire('a');

    await cache.use('b', () => {}); // evicts a while two requests still use it

    expect(first.value.disposed).toBe(false);
    expect(cache.stats()).toMatchObject({ entries: 1, evictions: 1, awaitingDisposal: 1 });
    first.release();
    first.release(); // a second release must not count twice
    expect(second.value.disposed).toBe(false);
    second.release();
    expect(second.value.disposed).toBe(true);
    expect(cache.stats().awaitingDisposal).toBe(0);
  });

  it('serves waiters of a load even when that load triggers their own value eviction', async () => {
    const { cache } = fakeCache({ maxEntries: 1 });
    // a and b load concurrently: whichever lands second evicts the first, whose waiters
    // already hold references.
    const [a, b] = await Promise.all([cache.acquire('a'), cache.acquire('b')]);

    expect(a.value.disposed || b.value.disposed).toBe(false);
    a.release();
    b.release();
    expect([a.value.disposed, b.value.disposed].filter(Boolean)).toHaveLength(1);
  });

  it('does not cache a failed load: waiters get the error and the next request retries', async () => {
    let attempts = 0;
    const { cache } = fakeCache({
      load: async (key) => {
        attempts += 1;
        await new Promise((resolve) => setImmediate(resolve));
        if (attempts === 1) throw new Error('artifact store unreachable');
        return { value: { key, generation: attempts, warm: false, disposed: false }, bytes: 1 };
      },
    });

    const failed = await Promise.allSettled([cache.acquire('a'), cache.acquire('a')]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(cache.stats()).toMatchObject({ loads: 1, loadFailures: 1, entries: 0 });

    const value = await cache.use('a', (model) => model);
    expect(value).toMatchObject({ generation: 2, warm: true });
    expect(attempts).toBe(2);
  });

  it('retries a load that threw synchronously', async () => {
    let attempts = 0;
    const { cache } = fakeCache({
      load: (key) => {
        attempts += 1;
        if (attempts === 1) throw new Error('bad key');
        return Promise.resolve({ value: { key, generation: attempts, warm: false, disposed: false }, bytes: 1 });
      },
    });

    await expect(cache.acquire('a')).rejects.toThrow('bad key');
    await expect(cache.use('a', (model) => model.generation)).resolves.toBe(2);
  });

  it('disposes and does not cache a value whose warm-up failed', async () => {
    const { cache, log } = fakeCache({
      warmUp: () => {
        throw new Error('kernel compile failed');
      },
    });

    await expect(cache.acquire('a')).rejects.toThrow('kernel compile failed');

    expect(log).toEqual(['load a', 'dispose a#1']);
    expect(cache.stats().entries).toBe(0);
  });

  it('releases the value when the function given to use throws', async () => {
    const { cache } = fakeCache();
    await expect(cache.use('a', () => Promise.reject(new Error('predict failed')))).rejects.toThrow('predict failed');

    const lease = await cache.acquire('a');
    cache.invalidate('a');
    lease.release();
    expect(lease.value.disposed).toBe(true); // only this lease was left: the failed use released its own
  });

  it('invalidate drops the value, the next request loads it again, users keep theirs', async () => {
    const { cache } = fakeCache();
    const old = await cache.acquire('a');

    cache.invalidate('a');
    const fresh = await cache.acquire('a');

    expect(fresh.value.generation).toBe(2);
    expect(old.value.disposed).toBe(false);
    old.release();
    expect(old.value.disposed).toBe(true);
    fresh.release();
    expect(fresh.value.disposed).toBe(false);
    expect(cache.stats().invalidations).toBe(1);
  });

  it('does not cache a load invalidated while under way', async () => {
    const { cache } = fakeCache();
    const pending = cache.acquire('a');
    cache.invalidate('a');

    const lease = await pending;
    expect(cache.stats().entries).toBe(0);
    lease.release();
    expect(lease.value.disposed).toBe(true);
  });

  it('keys versions of different projects apart', async () => {
    const loaded: ModelVersionKey[] = [];
    const cache = new ModelCache<ModelVersionKey, string>({
      keyOf: modelVersionCacheKey,
      load: async (key) => {
        loaded.push(key);
        return { value: `${key.projectId}/${key.model}@${key.version}`, bytes: 1 };
      },
      dispose: () => {},
    });

    const values = await Promise.all([
      cache.use({ projectId: 'p1', model: 'churn', version: 1 }, (v) => v),
      cache.use({ projectId: 'p2', model: 'churn', version: 1 }, (v) => v),
      cache.use({ projectId: 'p1', model: 'churn', version: '1' }, (v) => v),
    ]);

    expect(values).toEqual(['p1/churn@1', 'p2/churn@1', 'p1/churn@1']);
    expect(loaded).toHaveLength(2);
  });
});
