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
  /** The request was sampled for the prediction log. */
  logged: boolean;
}

/** Classification: answers per label; regression: moments of the values. */
export type PredictionCounts =
  { labels: Record<string, number> } | { count: number; sum: number; sumSquares: number; min: number; max: number };

interface Aggregate {
  versionId: string;
  shadow: boolean;
  /** The fields every log line of this version and role shares, serialised once. */
  linePrefix: string;
  requests: number;
  errors: number;
  instances: number;
  latency: number[];
  labels: Map<string, number>;
  values: { count: number; sum: number; sumSquares: number; min: number; max: number };
}

/**
 * One model's logged predictions since the last flush (one batch): their log lines already
 * serialised and, by position, what ground truth needs. Held as strings and flat arrays rather
 * than the requests' own objects, which would survive young-generation collections until the
 * flush and be copied and promoted on the way: at thousands of logged requests a second that
 * cost more than the logging.
 */
interface ModelLog {
  /** The batch's id, the first part of its predictions' ids. */
  batchId: string;
  projectId: string;
  modelId: string;
  lines: string[];
  versionIds: string[];
  shadows: boolean[];
  /** JSON of the label or value answered. */
  predicted: string[];
}

/** A logged prediction's id: its batch and its position in the batch. */
export const predictionId = (batchId: string, position: number) => `${batchId}.${position}`;

/**
 * One row per batch, the per-prediction fields as arrays: PostgreSQL stores a flush of any size
 * as one row instead of one indexed, foreign-keyed row per prediction (about 20 us of its CPU
 * each, on the machine that serves the predictions).
 */
async function insertBatch(db: Database, log: ModelLog, logKey: string) {
  await db.$executeRaw`
    INSERT INTO "PredictionLogBatch" (id, "projectId", "modelId", "logKey", "versionIds", shadows, predicted)
    VALUES (${log.batchId}, ${log.projectId}, ${log.modelId}, ${logKey}, ${log.versionIds}::text[],
      ${log.shadows}::boolean[], ${log.predicted}::text[])`;
}

/** A logged line of the prediction log (NDJSON in the artifact store). */
export interface PredictionLogLine {
  id: string;
  versionId: string;
  version: number;
  shadow: boolean;
  at: string;
  instance: unknown;
  /** The answer as returned, less `scores` (the probabilities again, in label order). */
  prediction: Prediction;
}

/** The store key of one batch of a model's prediction log; the timestamp sorts keys by time. */
export function predictionLogKey(projectId: string, modelId: string, at: Date, batchId: string): string {
  return `${predictionLogPrefix(projectId, modelId)}/${at.toISOString().replace(/[:.]/g, '-')}-${batchId}.ndjson`;
}
export const predictionLogPrefix = (projectId: string, modelId: string) => `prediction-logs/${projectId}/${modelId}`;

/** The label or value a prediction answered, as stored for live metrics and drift. */
export function answered(prediction: Prediction): string | number | boolean {
  return 'label' in prediction ? prediction.label : prediction.value;
}

/**
 * A prediction as logged: without `scores`, which repeat `probabilities` in label order (half
 * the numbers to print, the costly part of a line).
 */
function loggedPrediction(prediction: Prediction): string {
  if (!('scores' in prediction)) return JSON.stringify(prediction);
  if (prediction.imputed === undefined && prediction.passthrough === undefined)
    return `{"label":${JSON.stringify(prediction.label)},"probabilities":${JSON.stringify(prediction.probabilities)}}`;
  const { scores: _scores, ...logged } = prediction;
  return JSON.stringify(logged);
}

/**
 * Collects what routed and logged requests did, off the prediction path: `record` only adds to
 * memory, and a timer writes everything gathered since the last flush in batches: the sampled
 * requests and answers to the artifact store (one encrypted NDJSON object per model and flush),
 * the batch's answers by position (for ground truth) to PostgreSQL, and per-version
 * traffic aggregates (counts, latency buckets, answer distribution). Past `maxBuffer` logged
 * instances, further ones are dropped and counted rather than held.
 */
export class TrafficRecorder {
  private aggregates = new Map<string, Aggregate>();
  private logs = new Map<string, ModelLog>();
  private loggedInstances = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private stampedAt = NaN;
  private stamp = '';
  /** Logged instances dropped because the buffer was full. */
  dropped = 0;

  constructor(
    private readonly db: Database,
    private readonly store: ArtifactStore,
    private readonly opts: { flushMs: number; maxBuffer: number; logger?: Logger },
  ) {}

  /** Records a request; returns its predictions' ids when it is logged (none when the buffer is full). */
  record(traffic: ServedTraffic): string[] | null {
    const key = traffic.shadow ? `${traffic.versionId}/shadow` : traffic.versionId;
    let aggregate = this.aggregates.get(key);
    if (!aggregate) {
      aggregate = {
        versionId: traffic.versionId,
        shadow: traffic.shadow,
        linePrefix: `"versionId":${JSON.stringify(traffic.versionId)},"version":${traffic.version},"shadow":${traffic.shadow},`,
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
    let ids: string[] | null = null;
    if (traffic.logged && traffic.predictions) {
      if (this.loggedInstances + traffic.instances.length > this.opts.maxBuffer)
        this.dropped += traffic.instances.length;
      else {
        ids = this.log(traffic, aggregate.linePrefix, traffic.predictions);
        this.loggedInstances += traffic.instances.length;
      }
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.opts.flushMs);
    return ids;
  }

  /**
   * Serialises a logged request's lines and record fields into its model's log. A line is
   * concatenated around its version's shared prefix rather than stringified from an object: this
   * runs on the prediction path for every logged instance.
   */
  private log(traffic: ServedTraffic, linePrefix: string, predictions: Prediction[]): string[] {
    let log = this.logs.get(traffic.modelId);
    if (!log) {
      const { projectId, modelId } = traffic;
      log = { batchId: randomUUID(), projectId, modelId, lines: [], versionIds: [], shadows: [], predicted: [] };
      this.logs.set(modelId, log);
    }
    const at = this.timestamp();
    const ids: string[] = new Array(traffic.instances.length);
    for (let i = 0; i < traffic.instances.length; i++) {
      const prediction = predictions[i]!;
      const id = predictionId(log.batchId, log.lines.length);
      log.lines.push(
        `{"id":"${id}",${linePrefix}"at":"${at}","instance":${JSON.stringify(traffic.instances[i]) ?? 'null'},"prediction":${loggedPrediction(prediction)}}`,
      );
      log.versionIds.push(traffic.versionId);
      log.shadows.push(traffic.shadow);
      log.predicted.push(JSON.stringify(answered(prediction)));
      ids[i] = id;
    }
    return ids;
  }

  /** Now as ISO text, formatted once per millisecond however many requests share it. */
  private timestamp(): string {
    const now = Date.now();
    if (now !== this.stampedAt) {
      this.stampedAt = now;
      this.stamp = new Date(now).toISOString();
    }
    return this.stamp;
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
      const logKey = predictionLogKey(log.projectId, log.modelId, now, log.batchId);
      await this.store.write(logKey, Buffer.from(`${log.lines.join('\n')}\n`));
      await insertBatch(this.db, log, logKey);
    }
  }
}
