import type { Redis } from 'ioredis';
import { QuotaExceededError } from '../errors.ts';

const WINDOW_MS = 60_000;

/**
 * Prediction requests per project per minute, counted in Redis so the count holds across API
 * replicas: a fixed window per UTC minute, one pipelined INCR + PEXPIRE per request (a single
 * round trip on the prediction path).
 */
export class PredictionQuota {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private keyOf(projectId: string, window: number): string {
    return `${this.prefix}:quota:predictions:${projectId}:${window}`;
  }

  /**
   * Counts one request against `limit`; past it, refuses with 429 until the minute turns.
   * When Redis cannot answer, the request goes through: a quota must not take serving down
   * with it (readiness reports the outage).
   */
  async count(projectId: string, limit: number, now = Date.now()): Promise<void> {
    const window = Math.floor(now / WINDOW_MS);
    const key = this.keyOf(projectId, window);
    let used: number;
    try {
      const replies = await this.redis
        .multi()
        .incr(key)
        .pexpire(key, 2 * WINDOW_MS)
        .exec();
      used = Number(replies?.[0]?.[1] ?? 0);
    } catch {
      return;
    }
    if (used > limit)
      throw new QuotaExceededError(
        'predictionsPerMinute',
        limit,
        used - 1,
        `The project made its ${limit} prediction requests for this minute.`,
        new Date((window + 1) * WINDOW_MS),
      );
  }

  /** Requests counted in the current minute (refused ones included), and when it ends. */
  async usage(projectId: string, now = Date.now()): Promise<{ used: number; resetsAt: Date }> {
    const window = Math.floor(now / WINDOW_MS);
    const value = await this.redis.get(this.keyOf(projectId, window));
    return { used: Number(value ?? 0), resetsAt: new Date((window + 1) * WINDOW_MS) };
  }
}
