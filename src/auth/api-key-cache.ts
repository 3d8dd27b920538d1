/** What a verified API key grants: kept in the cache, reused as the request's principal. */
export interface VerifiedKey {
  readonly kind: 'key';
  readonly projectId: string;
  readonly keyId: string;
  readonly scopes: string[];
  /** Epoch ms after which the key is expired, or null for never. */
  readonly expiresAt: number | null;
}

export interface ApiKeyCacheOptions {
  /** How long a verified key is trusted without asking PostgreSQL again. Default 5 s. */
  ttlMs?: number;
  /** Most keys held at once; the oldest entry is dropped beyond it. Default 10,000. */
  maxEntries?: number;
}

interface Entry {
  key: VerifiedKey;
  /** performance.now() after which the entry must be read again from the database. */
  until: number;
}

/**
 * Verified API keys by the sha256 of their secret, so authentication does no database round
 * trip on the hot path (it was the largest single cost of a one-row prediction).
 *
 * Revocation: a key revoked through this process is dropped at once ({@link invalidateKey});
 * other replicas keep trusting it until their entry expires, at most `ttlMs` later. Expiry
 * (`expiresAt`) is checked on every hit, so an expiring key stops at its exact time.
 *
 * Only keys found valid in the database are kept, never unknown or refused ones: a caller
 * cannot fill the cache with guesses, and the size bound caps it even with many real keys.
 */
export class ApiKeyCache {
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly entries = new Map<string, Entry>();
  private invalidations = 0;
  private databaseLookups = 0;

  constructor(options: ApiKeyCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 5_000;
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  /** Bumped by every invalidation; a lookup that began under an older value must not be cached. */
  get generation(): number {
    return this.invalidations;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Keys looked up in the database so far (misses that reached PostgreSQL): what a bad key costs. */
  get lookups(): number {
    return this.databaseLookups;
  }

  /** Counts one database lookup of a key this cache did not hold. */
  countLookup(): void {
    this.databaseLookups += 1;
  }

  /**
   * The key for this secret hash when cached and fresh. A hit is not moved to the back: every
   * entry is read again from the database within `ttlMs` anyway, so dropping the oldest entry
   * when full costs at most an early re-read, and a hit stays a single Map lookup.
   */
  get(secretHash: string): VerifiedKey | undefined {
    const entry = this.entries.get(secretHash);
    if (entry === undefined) return undefined;
    if (entry.until <= performance.now()) {
      this.entries.delete(secretHash);
      return undefined;
    }
    return entry.key;
  }

  /**
   * Keeps a key read from the database, unless an invalidation happened since that read began
   * (`generation` taken before the query): the row may predate a revocation.
   */
  set(secretHash: string, key: VerifiedKey, generation: number): void {
    if (generation !== this.invalidations || this.ttlMs <= 0) return;
    this.entries.delete(secretHash);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(secretHash, { key, until: performance.now() + this.ttlMs });
  }

  /** Drops a key (e.g. just revoked); its next use is checked against the database. */
  invalidateKey(keyId: string): void {
    this.invalidations += 1;
    // Revocations are rare and the cache is bounded, so a scan beats keeping a second index.
    for (const [hash, entry] of this.entries) if (entry.key.keyId === keyId) this.entries.delete(hash);
  }

  clear(): void {
    this.invalidations += 1;
    this.entries.clear();
  }
}
