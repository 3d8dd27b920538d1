import { describe, expect, it } from 'vitest';
import { RouteCache } from './route-cache.ts';
import type { ResolvedVersion } from './version-resolver.ts';

const version = (n: number): ResolvedVersion => ({
  versionId: `v${n}`,
  model: 'm',
  version: n,
  modelId: 'model',
  logSampleRate: 0,
  routing: null,
});

/** A read whose answer the test settles, to order it against invalidations. */
function pendingRead() {
  let settle!: (value: ResolvedVersion) => void;
  const promise = new Promise<ResolvedVersion>((resolve) => (settle = resolve));
  return { read: () => promise, settle };
}

describe('RouteCache', () => {
  it('keeps nothing until live, and drops everything when it stops being live', async () => {
    const cache = new RouteCache({ ttlMs: 60_000 });
    await cache.resolve('p', 'm', 'prod', async () => version(1));
    expect(cache.size).toBe(0);
    cache.setLive(true);
    await cache.resolve('p', 'm', 'prod', async () => version(1));
    expect(await cache.resolve('p', 'm', 'prod', async () => version(2))).toMatchObject({ version: 1 });
    cache.setLive(false);
    expect(cache.size).toBe(0);
    expect(await cache.resolve('p', 'm', 'prod', async () => version(2))).toMatchObject({ version: 2 });
  });

  it('never keeps a read that began before an invalidation, and never joins one', async () => {
    const cache = new RouteCache({ ttlMs: 60_000 });
    cache.setLive(true);
    const old = pendingRead();
    const first = cache.resolve('p', 'm', 'prod', old.read);
    cache.invalidate({ projectId: 'p', model: 'm' });
    const fresh = pendingRead();
    const second = cache.resolve('p', 'm', 'prod', fresh.read);
    old.settle(version(1));
    fresh.settle(version(2));
    expect((await first).version).toBe(1);
    expect((await second).version).toBe(2);
    expect((await cache.resolve('p', 'm', 'prod', async () => version(3))).version).toBe(2);
  });

  it('invalidates one model, or a whole project, and nothing of another project', async () => {
    const cache = new RouteCache({ ttlMs: 60_000 });
    cache.setLive(true);
    for (const [project, model] of [
      ['p', 'a'],
      ['p', 'b'],
      ['q', 'a'],
    ] as const)
      await cache.resolve(project, model, '', async () => version(1));
    cache.invalidate({ projectId: 'p', model: 'a' });
    expect(cache.size).toBe(2);
    cache.invalidate({ projectId: 'p' });
    expect(cache.size).toBe(1);
    expect((await cache.resolve('q', 'a', '', async () => version(9))).version).toBe(1);
  });

  it('reads every time with a TTL of 0', async () => {
    const cache = new RouteCache({ ttlMs: 0 });
    cache.setLive(true);
    await cache.resolve('p', 'm', '', async () => version(1));
    expect((await cache.resolve('p', 'm', '', async () => version(2))).version).toBe(2);
    expect(cache.reads).toBe(2);
  });
});
