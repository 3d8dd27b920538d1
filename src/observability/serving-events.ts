/**
 * What serving reports to metrics: the stats of one micro-batch and the model cache's events.
 * They live here, not beside the batcher and the cache, so that observability (a ground-floor
 * module) imports nothing from serving; serving imports these types to report through them.
 */

/** What one executed batch looked like; handed to a micro-batcher's `onBatch` for metrics. */
export interface BatchStats {
  /** Instances in the batch (the length of the array `run` received). */
  size: number;
  /** Requests (`submit` calls) coalesced into the batch. */
  requests: number;
  /** Queue wait of the oldest request in the batch, in ms: the worst any caller waited. */
  waitMs: number;
  /** Queue wait of every request in the batch, in submission order, in ms. */
  requestWaitsMs: number[];
  /** How long `run` took, in ms (until it returned or threw). */
  runMs: number;
  /** False when `run` threw or returned the wrong number of outputs. */
  ok: boolean;
}

/** Model cache events, one per counter label of `model_cache_events_total`. */
export type ModelCacheEvent = 'hit' | 'miss' | 'load' | 'eviction';
