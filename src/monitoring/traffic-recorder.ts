import { randomUUID } from 'node:crypto';
import type { Database } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import type { Prediction } from '../serving/input-adapter.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { emptyLatencyCounts, latencyBucket } from './latency-buckets.ts';

/** One request a version served (or failed), as the prediction path hands it over. */
export interface ServedTraffic {
  projectId: string;
  modelId: string;
  versionId: string;
  version: number;
  /** Answered by the alias's shadow: recorded, never returned. */
  shadow: boolean;
  latencyMs: number;
  error: boolean;
  instances: unknown[];
  predictions: Prediction[] | null;
  /** Present when the request was sampled for the prediction log: one id per instance. */
  predictionIds: string[] | null;
}

/** Classification: answers per label; regression: moments of the values. */
export type PredictionCounts =
  { labels: Record<string, number> } | { count: number; sum: number; sumSquares: number; min: number; max: number };

interface Aggregate {
  versionId: string;
  shadow: boolean;
  requests: number;
  errors: number;
  instances: number;
  latency: number[];
  labels: Map<string, number>;
  values: { count: number; sum: number; sumSquares: number; min: number; max: number };
}

/**
 * One model's logged predictions since the last flush: their log lines already serialised and
 * the record fields as columns. Held as strings and flat arrays rather than the requests' own
 * objects, which would survive young-generation collections until the flush and be copied and
 * promoted on the way: at thousands of logged requests a second that cost more than the logging.
 */
interface ModelLog {
  projectId: string;
  modelId: string;
  lines: string[];
  ids: string[];
  versionIds: string[];
  shadows: boolean[];
  /** JSON of the label or value answered. */
  predicted: string[];
}

const RECORDS_PER_INSERT = 10_000;

/**
 * One INSERT of many prediction records of one model and log object, the varying fields as
 * array parameters unnested by PostgreSQL. Prisma's createMany binds seven parameters per row
 * and spends about 0.3 ms of the API process's CPU per row building them; this costs about a
 * twentieth of that, and it runs on the same event loop as the predictions being logged.
 */
async function insertPredictionRecords(db: Database, log: ModelLog, logKey: string, from: number, to: number) {
  await db.$executeRaw`
    INSERT INTO "PredictionRecord" (id, "projectId", "modelId", "versionId", shadow, predicted, "logKey")
    SELECT f.id, ${log.projectId}, ${log.modelId}, f.version_id, f.shadow, f.predicted, ${logKey}
    FROM unnest(${log.ids.slice(from, to)}::text[], ${log.versionIds.slice(from, to)}::text[],
      ${log.shadows.slice(from, to)}::boolean[], ${log.predicted.slice(from, to)}::jsonb[])
      AS f(id, version_id, shadow, predicted)
    ON CONFLICT (id) DO NOTHING`;
}

/** A logged line of the prediction log (NDJSON in the artifact store). */
export interface PredictionLogLine {
  id: string;
  versionId: string;
  version: number;
  shadow: boolean;
  at: string;
  instance: unknown;
  prediction: Prediction;
}

/** The store key of one flush of a model's prediction log; the timestamp sorts keys by time. */
export function predictionLogKey(projectId: string, modelId: string, at: Date): string {
  return `${predictionLogPrefix(projectId, modelId)}/${at.toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.ndjson`;
}
export const predictionLogPrefix = (projectId: string, modelId: string) => `prediction-logs/${projectId}/${modelId}`;

/** The label or value a prediction answered, as stored for live metrics and drift. */
export function answered(prediction: Prediction): string | number | boolean {
  return 'label' in prediction ? prediction.label : prediction.value;
}

/**
 * Collects what routed and logged requests did, off the prediction path: `record` only adds to
 * memory, and a timer writes everything gathered since the last flush in batches: the sampled
 * requests and answers to the artifact store (one encrypted NDJSON object per model and flush),
 * their prediction records (answers and ids, for ground truth) to PostgreSQL, and per-version
 * traffic aggregates (counts, latency buckets, answer distribution). Past `maxBuffer` logged
 * instances, further ones are dropped and counted rather than held.
 */
export class TrafficRecorder {
  private aggregates = new Map<string, Aggregate>();
  private logs = new Map<string, ModelLog>();
  private loggedInstances = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** Logged instances dropped because the buffer was full. */
  dropped = 0;

  constructor(
    private readonly db: Database,
    private readonly store: ArtifactStore,
    private readonly opts: { flushMs: number; maxBuffer: number; logger?: Logger },
  ) {}

  record(traffic: ServedTraffic): void {
    const key = `${traffic.versionId}/${traffic.shadow}`;
    let aggregate = this.aggregates.get(key);
    if (!aggregate) {
      aggregate = {
        versionId: traffic.versionId,
        shadow: traffic.shadow,
        requests: 0,
        errors: 0,
        instances: 0,
        latency: emptyLatencyCounts(),
        labels: new Map(),
        values: { count: 0, sum: 0, sumSquares: 0, min: Infinity, max: -Infinity },
      };
      this.aggregates.set(key, aggregate);
    }
    aggregate.requests++;
    aggregate.instances += traffic.instances.length;
    aggregate.latency[latencyBucket(traffic.latencyMs)]!++;
    if (traffic.error) aggregate.errors++;
    for (const prediction of traffic.predictions ?? []) {
      if ('label' in prediction) {
        const label = String(prediction.label);
        aggregate.labels.set(label, (aggregate.labels.get(label) ?? 0) + 1);
      } else {
        const v = aggregate.values;
        v.count++;
        v.sum += prediction.value;
        v.sumSquares += prediction.value * prediction.value;
        v.min = Math.min(v.min, prediction.value);
        v.max = Math.max(v.max, prediction.value);
      }
    }
    if (traffic.predictionIds && traffic.predictions) {
      if (this.loggedInstances + traffic.instances.length > this.opts.maxBuffer)
        this.dropped += traffic.instances.length;
      else {
        this.log(traffic, traffic.predictionIds, traffic.predictions);
        this.loggedInstances += traffic.instances.length;
      }
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.opts.flushMs);
  }

  /** Serialises a logged request's lines and record fields into its model's log. */
  private log(traffic: ServedTraffic, ids: string[], predictions: Prediction[]): void {
    const key = `${traffic.projectId}/${traffic.modelId}`;
    let log = this.logs.get(key);
    if (!log) {
      const { projectId, modelId } = traffic;
      log = { projectId, modelId, lines: [], ids: [], versionIds: [], shadows: [], predicted: [] };
      this.logs.set(key, log);
    }
    const at = new Date().toISOString();
    for (let i = 0; i < traffic.instances.length; i++) {
      const prediction = predictions[i]!;
      const line: PredictionLogLine = {
        id: ids[i]!,
        versionId: traffic.versionId,
        version: traffic.version,
        shadow: traffic.shadow,
        at,
        instance: traffic.instances[i],
        prediction,
      };
      log.lines.push(JSON.stringify(line));
      log.ids.push(line.id);
      log.versionIds.push(traffic.versionId);
      log.shadows.push(traffic.shadow);
      log.predicted.push(JSON.stringify(answered(prediction)));
    }
  }

  /** Writes everything recorded so far; resolves once written (flushes run one at a time). */
  flush(): Promise<void> {
    const aggregates = [...this.aggregates.values()];
    const logged = [...this.logs.values()];
    this.aggregates = new Map();
    this.logs = new Map();
    this.loggedInstances = 0;
    this.flushing = this.flushing.then(() =>
      this.write(aggregates, logged).catch((error: unknown) =>
        this.opts.logger?.warn({ err: error }, 'prediction log flush failed; its batch is lost'),
      ),
    );
    return this.flushing;
  }

  /** Flushes what is left and stops the timer. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async write(aggregates: Aggregate[], logged: ModelLog[]): Promise<void> {
    if (aggregates.length)
      await this.db.versionTraffic.createMany({
        data: aggregates.map((a) => ({
          versionId: a.versionId,
          shadow: a.shadow,
          requests: a.requests,
          errors: a.errors,
          instances: a.instances,
          latency: a.latency,
          predictions: (a.values.count > 0 ? a.values : { labels: Object.fromEntries(a.labels) }) as PredictionCounts,
        })),
      });
    const now = new Date();
    for (const log of logged) {
      const logKey = predictionLogKey(log.projectId, log.modelId, now);
      await this.store.write(logKey, Buffer.from(`${log.lines.join('\n')}\n`));
      for (let i = 0; i < log.ids.length; i += RECORDS_PER_INSERT)
        await insertPredictionRecords(this.db, log, logKey, i, i + RECORDS_PER_INSERT);
    }
  }
}
