import type { Redis } from 'ioredis';
import type { Database } from '../db/client.ts';
import { PredictionQuota } from './prediction-quota.ts';
import type { QuotaName } from '../errors.ts';
import {
  datasetCountOf,
  modelNamesOf,
  runningJobsOf,
  storedBytesOf,
  trainingMsToday,
  utcDay,
  versionCountOf,
} from './project-usage.ts';
import { quotaLimitsBySql, type QuotaLimits, type QuotaSettings } from './quota-limits.ts';

/** One quota as the usage route shows it: null limit is unlimited; `resetsAt` for quotas over time. */
export interface QuotaUsage {
  limit: number | null;
  usage: number;
  resetsAt?: string;
}

/** How long the prediction path trusts a project's limits before reading them again. */
const CACHE_TTL_MS = 5_000;

/**
 * The API's view of project quotas: limits read from PostgreSQL where something is created
 * (uploads, submissions: exact), and cached for a few seconds on the prediction path, where a
 * database round trip per request would cost more than the check itself. A change through
 * this process applies at once; on other replicas within the cache's TTL.
 */
export class ProjectQuotas {
  readonly predictions: PredictionQuota;
  private readonly cache = new Map<string, { limits: QuotaLimits; until: number }>();

  constructor(
    private readonly db: Database,
    private readonly config: QuotaSettings,
    redis: Redis,
    redisPrefix: string,
  ) {
    this.predictions = new PredictionQuota(redis, redisPrefix);
  }

  limits(projectId: string): Promise<QuotaLimits> {
    return quotaLimitsBySql(this.db.sql, this.config, projectId);
  }

  /** Every quota of the project with its limit and what the project uses of it now. */
  async usage(projectId: string, now = new Date()): Promise<Record<QuotaName, QuotaUsage>> {
    const db = this.db;
    const [limits, storedBytes, datasets, models, versions, running, trainingMs, predictions] = await Promise.all([
      this.limits(projectId),
      storedBytesOf(db, projectId),
      datasetCountOf(db, projectId),
      modelNamesOf(db, projectId),
      versionCountOf(db, projectId),
      runningJobsOf(db, projectId),
      trainingMsToday(db, projectId, now),
      this.predictions.usage(projectId, now.getTime()),
    ]);
    return {
      storedBytes: { limit: limits.storedBytes, usage: storedBytes },
      datasets: { limit: limits.datasets, usage: datasets },
      models: { limit: limits.models, usage: models.count },
      versions: { limit: limits.versions, usage: versions },
      concurrentJobs: { limit: limits.concurrentJobs, usage: running },
      trainingMinutesPerDay: {
        limit: limits.trainingMinutesPerDay,
        usage: Math.round((trainingMs / 60_000) * 100) / 100,
        resetsAt: utcDay(now).end.toISOString(),
      },
      predictionsPerMinute: {
        limit: limits.predictionsPerMinute,
        usage: predictions.used,
        resetsAt: predictions.resetsAt.toISOString(),
      },
    };
  }

  /**
   * Counts a prediction request of the project, refusing it (429) past its per-minute quota.
   * Undefined when there is nothing to wait for: the project's limits are cached and set no
   * per-minute quota (the default), so the request goes on in the turn that read it.
   */
  countPrediction(projectId: string): Promise<void> | undefined {
    const cached = this.freshLimits(projectId);
    if (cached === undefined) return this.readLimits(projectId).then((limits) => this.countAgainst(projectId, limits));
    return this.countAgainst(projectId, cached);
  }

  private countAgainst(projectId: string, limits: QuotaLimits): Promise<void> | undefined {
    const limit = limits.predictionsPerMinute;
    return limit === null ? undefined : this.predictions.count(projectId, limit);
  }

  /** Drops the cached limits of a project whose quotas just changed. */
  invalidate(projectId: string): void {
    this.cache.delete(projectId);
  }

  /** The project's limits when cached and fresh. */
  private freshLimits(projectId: string): QuotaLimits | undefined {
    const cached = this.cache.get(projectId);
    return cached && cached.until > performance.now() ? cached.limits : undefined;
  }

  /** The project's limits read from PostgreSQL, and cached. */
  private async readLimits(projectId: string): Promise<QuotaLimits> {
    const now = performance.now();
    const limits = await this.limits(projectId);
    // Bounded: past it, the projects read again are the ones still predicting.
    if (this.cache.size >= 10_000) this.cache.clear();
    this.cache.set(projectId, { limits, until: now + CACHE_TTL_MS });
    return limits;
  }
}
