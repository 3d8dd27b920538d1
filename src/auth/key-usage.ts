import { utcTimestamp, type Sql } from '../db/sql.ts';

export interface KeyUsageOptions {
  /** How stale `lastUsedAt` may be: a key's time is written at most once per this. Default 60 s. */
  resolutionMs?: number;
  /** Called with a failed write; the request that used the key has already been answered. */
  onError?: (error: unknown) => void;
}

/**
 * Records API keys' `lastUsedAt` without a database write per request: a key's time is
 * written on its first use in this process and then at most once per `resolutionMs`, in the
 * background. So `lastUsedAt` is exact to within `resolutionMs` (per replica), which is what
 * it is for: spotting keys nobody uses any more before revoking them.
 */
export class KeyUsage {
  private readonly resolutionMs: number;
  private readonly onError: (error: unknown) => void;
  /** keyId -> Date.now() of the last write this process started for it. */
  private readonly written = new Map<string, number>();
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly sql: Sql,
    options: KeyUsageOptions = {},
  ) {
    this.resolutionMs = options.resolutionMs ?? 60_000;
    this.onError = options.onError ?? (() => undefined);
  }

  /** Notes a successful use of a key; starts a write when its stored time is older than the resolution. */
  touch(keyId: string, now = Date.now()): void {
    const last = this.written.get(keyId);
    if (last !== undefined && now - last < this.resolutionMs) return;
    // A bound on memory: forgetting every key costs at most one early write per key.
    if (this.written.size >= 100_000) this.written.clear();
    this.written.set(keyId, now);
    const write = this.sql.rows('UPDATE "ApiKey" SET "lastUsedAt" = $1 WHERE id = $2', [utcTimestamp(now), keyId]).then(
      () => undefined,
      (error: unknown) => {
        // Try again on the next use rather than wait a whole resolution.
        this.written.delete(keyId);
        this.onError(error);
      },
    );
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
  }

  /** Resolves when every write started so far has ended (at shutdown, and for tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
