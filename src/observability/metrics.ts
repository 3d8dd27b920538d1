import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BatchStats, ModelCacheEvent } from './serving-events.ts';

/** Training job statuses always exported by `training_jobs` (0 when absent), so dashboards see every series. */
export const TRAINING_JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;

/** Counts by label value, read at scrape time. */
export type CountsReader = () => Promise<Record<string, number>> | Record<string, number>;

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  /** Node.js process metrics (CPU, memory, event loop lag, GC). Default true. */
  defaultMetrics?: boolean;
}

/** The service's Prometheus metrics, all registered on one registry of their own. */
export interface Metrics {
  readonly registry: Registry;
  readonly httpRequestDuration: Histogram<'project' | 'method' | 'route' | 'status_code'>;
  readonly predictionDuration: Histogram<'project' | 'model' | 'version'>;
  readonly predictionBatchSize: Histogram;
  readonly predictionQueueWait: Histogram;
  readonly modelCacheEvents: Counter<'event'>;
  /** Sets what `training_jobs{status}` reads at each scrape, e.g. counts per status from the database. */
  setTrainingJobCounter(read: CountsReader): void;
  /** Sets what `queue_depth{queue}` reads at each scrape, e.g. waiting jobs per BullMQ queue. */
  setQueueDepthReader(read: CountsReader): void;
  /** Records one batch of a micro-batcher; pass as (or call from) its `onBatch`. */
  recordBatch(stats: BatchStats): void;
  /** Counts one model cache event; pass as its `onEvent`. */
  recordCacheEvent(event: ModelCacheEvent): void;
}

/**
 * Builds the metrics on a fresh registry. Not prom-client's global one: tests and several
 * apps in one process each get their own, and never fail with "already registered".
 */
/*
 * Series carry the project id so that tenants' traffic stays apart. That keeps the label sets
 * bounded: projects are created by the operator only, and the other labels are route patterns,
 * statuses and the project's own model names and versions. Requests no key authenticated
 * (public routes, the admin token, refused credentials) carry an empty project.
 */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by project (empty for the admin token and anonymous requests), method, route pattern and status code.',
    labelNames: ['project', 'method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const predictionDuration = new Histogram({
    name: 'prediction_duration_seconds',
    help: 'Time to answer one prediction request, queueing included, by project, model and version.',
    labelNames: ['project', 'model', 'version'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const predictionBatchSize = new Histogram({
    name: 'prediction_batch_size',
    help: 'Instances per batched model call.',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
    registers,
  });
  const predictionQueueWait = new Histogram({
    name: 'prediction_queue_wait_seconds',
    help: 'Time a prediction request waited in the micro-batcher queue before its batch ran.',
    buckets: [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers,
  });
  const modelCacheEvents = new Counter({
    name: 'model_cache_events_total',
    help: 'Model cache events: hit, miss, load, eviction.',
    labelNames: ['event'] as const,
    registers,
  });
  // Start every event at 0 so that rate() works from the first scrape.
  for (const event of ['hit', 'miss', 'load', 'eviction'] as const) modelCacheEvents.inc({ event }, 0);

  let readTrainingJobs: CountsReader | undefined;
  const trainingJobs: Gauge<'status'> = new Gauge({
    name: 'training_jobs',
    help: 'Training jobs by status.',
    labelNames: ['status'] as const,
    registers,
    collect: async () => {
      const counts = await readCounts(trainingJobs, readTrainingJobs);
      if (counts === undefined) return;
      for (const status of TRAINING_JOB_STATUSES) trainingJobs.set({ status }, counts[status] ?? 0);
      for (const [status, n] of Object.entries(counts)) trainingJobs.set({ status }, n);
    },
  });

  let readQueueDepth: CountsReader | undefined;
  const queueDepth: Gauge<'queue'> = new Gauge({
    name: 'queue_depth',
    help: 'Jobs waiting per queue.',
    labelNames: ['queue'] as const,
    registers,
    collect: async () => {
      const counts = await readCounts(queueDepth, readQueueDepth);
      if (counts === undefined) return;
      for (const [queue, n] of Object.entries(counts)) queueDepth.set({ queue }, n);
    },
  });

  return {
    registry,
    httpRequestDuration,
    predictionDuration,
    predictionBatchSize,
    predictionQueueWait,
    modelCacheEvents,
    setTrainingJobCounter: (read) => {
      readTrainingJobs = read;
    },
    setQueueDepthReader: (read) => {
      readQueueDepth = read;
    },
    recordBatch: (stats) => {
      predictionBatchSize.observe(stats.size);
      for (const ms of stats.requestWaitsMs) predictionQueueWait.observe(ms / 1000);
    },
    recordCacheEvent: (event) => {
      modelCacheEvents.inc({ event });
    },
  };
}

/**
 * Reads counts for a callback gauge. On failure (database or Redis down) the gauge is emptied
 * rather than left at its last values: a scrape must still succeed for every other metric,
 * and a stale number would look like a healthy one.
 */
async function readCounts(
  gauge: Gauge<string>,
  read: CountsReader | undefined,
): Promise<Record<string, number> | undefined> {
  gauge.reset();
  if (read === undefined) return undefined;
  try {
    return await read();
  } catch {
    return undefined;
  }
}
