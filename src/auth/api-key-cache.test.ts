import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiKeyCache, type VerifiedKey } from './api-key-cache.ts';

const key = (keyId: string): VerifiedKey => ({
  kind: 'key',
  projectId: 'p',
  keyId,
  scopes: ['predict'],
  expiresAt: null,
});

afterEach(() => {
  vi.useRealTimers();
});

describe('ApiKeyCache', () => {
  it('serves a verified key until its TTL, then asks again', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const cache = new ApiKeyCache({ ttlMs: 5_000 });
    cache.set('h1', key('k1'), cache.generation);
    expect(cache.get('h1')?.keyId).toBe('k1');
    vi.advanceTimersByTime(5_001);
    expect(cache.get('h1')).toBeUndefined();
  });

  it('drops a revoked key at once, and refuses a lookup that began before the revocation', () => {
    const cache = new ApiKeyCache();
    cache.set('h1', key('k1'), cache.generation);
    const before = cache.generation;
    cache.invalidateKey('k1');
    expect(cache.get('h1')).toBeUndefined();
    // A database read that started before the revocation may have seen the key still valid.
    cache.set('h1', key('k1'), before);
    expect(cache.get('h1')).toBeUndefined();
  });

  it('holds at most maxEntries keys, dropping the oldest entry (hits do not renew it)', () => {
    const cache = new ApiKeyCache({ maxEntries: 2 });
    cache.set('a', key('a'), cache.generation);
    cache.set('b', key('b'), cache.generation);
    cache.get('a');
    cache.set('c', key('c'), cache.generation);
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')?.keyId).toBe('b');
    expect(cache.get('c')?.keyId).toBe('c');
    // Setting a key again (its next database read) makes it the newest.
    cache.set('b', key('b'), cache.generation);
    cache.set('d', key('d'), cache.generation);
    expect(cache.get('c')).toBeUndefined();
    expect(cache.get('b')?.keyId).toBe('b');
  });
});
