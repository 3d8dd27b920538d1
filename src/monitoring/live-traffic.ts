import type { Database } from '../db/client.ts';
import { findModel } from '../registry/model-registry.ts';
import { emptyLatencyCounts, latencyQuantile } from './latency-buckets.ts';
import type { PredictionCounts } from './traffic-recorder.ts';

export interface VersionTrafficSummary {
  version: number;
  shadow: boolean;
  requests: number;
  errors: number;
  errorRate: number;
  instances: number;
  latencyMs: { p50: number | null; p90: number | null; p99: number | null };
  /** Classification: answers per label; regression: moments of the answered values. */
  predictions:
    | { labels: Record<string, number> }
    | { count: number; mean: number | null; std: number | null; min: number | null; max: number | null };
  /** Over logged predictions that received ground truth: accuracy (classification) or mean absolute error. */
  live: { labeled: number; accuracy: number | null; meanAbsoluteError: number | null };
}

type Sum = {
  requests: number;
  errors: number;
  instances: number;
  latency: number[];
  labels: Map<string, number>;
  values: { count: number; sum: number; sumSquares: number; min: number; max: number };
};

/**
 * Per version (and shadow), what live traffic over the last `windowMinutes` looked like: the
 * replicas' flushed aggregates summed, and live accuracy from the ground truth posted for logged predictions.
 */
export async function liveTraffic(
  db: Database,
  projectId: string,
  name: string,
  windowMinutes: number,
  now = new Date(),
): Promise<{ model: string; windowStart: string; windowEnd: string; versions: VersionTrafficSummary[] }> {
  const model = await findModel(db, projectId, name);
  const since = new Date(now.getTime() - windowMinutes * 60_000);
  const rows = await db.versionTraffic.findMany({
    where: { version: { modelId: model.id }, at: { gte: since } },
    select: {
      shadow: true,
      requests: true,
      errors: true,
      instances: true,
      latency: true,
      predictions: true,
      version: { select: { version: true } },
    },
  });
  const sums = new Map<string, Sum & { version: number; shadow: boolean }>();
  for (const row of rows) {
    const key = `${row.version.version}/${row.shadow}`;
    let sum = sums.get(key);
    if (!sum) {
      sum = {
        version: row.version.version,
        shadow: row.shadow,
        requests: 0,
        errors: 0,
        instances: 0,
        latency: emptyLatencyCounts(),
        labels: new Map(),
        values: { count: 0, sum: 0, sumSquares: 0, min: Infinity, max: -Infinity },
      };
      sums.set(key, sum);
    }
    sum.requests += row.requests;
    sum.errors += row.errors;
    sum.instances += row.instances;
    (row.latency as number[]).forEach((count, i) => (sum.latency[i] = (sum.latency[i] ?? 0) + count));
    const counts = row.predictions as PredictionCounts;
    if ('labels' in counts)
      for (const [label, count] of Object.entries(counts.labels))
        sum.labels.set(label, (sum.labels.get(label) ?? 0) + count);
    else {
      sum.values.count += counts.count;
      sum.values.sum += counts.sum;
      sum.values.sumSquares += counts.sumSquares;
      sum.values.min = Math.min(sum.values.min, counts.min);
      sum.values.max = Math.max(sum.values.max, counts.max);
    }
  }
  const labelled = await db.$queryRaw<
    { version: number; shadow: boolean; labeled: bigint; correct: bigint; mae: number | null }[]
  >`
    SELECT v.version, r.shadow, count(*) AS labeled,
      count(*) FILTER (WHERE r.predicted #>> '{}' = r.label #>> '{}') AS correct,
      avg(abs((r.predicted #>> '{}')::float8 - (r.label #>> '{}')::float8))
        FILTER (WHERE jsonb_typeof(r.predicted) = 'number' AND jsonb_typeof(r.label) = 'number') AS mae
    FROM "PredictionFeedback" r JOIN "ModelVersion" v ON v.id = r."versionId"
    WHERE r."modelId" = ${model.id} AND r."predictedAt" >= ${since}
    GROUP BY v.version, r.shadow`;
  const classification = model.task === 'classification';
  const live = new Map(labelled.map((row) => [`${row.version}/${row.shadow}`, row]));
  const versions = [...sums.values()]
    .sort((a, b) => a.version - b.version || Number(a.shadow) - Number(b.shadow))
    .map((sum): VersionTrafficSummary => {
      const v = sum.values;
      const mean = v.count ? v.sum / v.count : null;
      const labeled = live.get(`${sum.version}/${sum.shadow}`);
      const n = Number(labeled?.labeled ?? 0);
      return {
        version: sum.version,
        shadow: sum.shadow,
        requests: sum.requests,
        errors: sum.errors,
        errorRate: sum.requests ? sum.errors / sum.requests : 0,
        instances: sum.instances,
        latencyMs: {
          p50: latencyQuantile(sum.latency, 0.5),
          p90: latencyQuantile(sum.latency, 0.9),
          p99: latencyQuantile(sum.latency, 0.99),
        },
        predictions:
          v.count > 0
            ? {
                count: v.count,
                mean,
                std: mean === null ? null : Math.sqrt(Math.max(0, v.sumSquares / v.count - mean * mean)),
                min: v.min,
                max: v.max,
              }
            : { labels: Object.fromEntries(sum.labels) },
        live: {
          labeled: n,
          accuracy: classification && n ? Number(labeled!.correct) / n : null,
          meanAbsoluteError: !classification && n && labeled!.mae !== null ? Number(labeled!.mae) : null,
        },
      };
    });
  return { model: model.name, windowStart: since.toISOString(), windowEnd: now.toISOString(), versions };
}
