import { describe, expect, it } from 'vitest';
import { MicroBatcher } from '../serving/micro-batcher.ts';
import { ModelCache } from '../serving/model-cache.ts';
import { createMetrics } from './metrics.ts';

describe('createMetrics', () => {
  it('gives every call its own registry, so two apps in one process do not collide', async () => {
    const first = createMetrics({ defaultMetrics: false });
    const second = createMetrics({ defaultMetrics: false });

    first.modelCacheEvents.inc({ event: 'hit' });

    expect(first.registry).not.toBe(second.registry);
    expect(await first.registry.metrics()).toContain('model_cache_events_total{event="hit"} 1');
    expect(await second.registry.metrics()).toContain('model_cache_events_total{event="hit"} 0');
  });

  it('includes the Node.js process metrics by default', async () => {
    const text = await createMetrics().registry.metrics();

    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('reads training jobs per status at scrape time, every known status included', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    let queued = 3;
    metrics.setTrainingJobCounter(async () => ({ queued, running: 1 }));

    expect(await metrics.registry.metrics()).toContain('training_jobs{status="queued"} 3');
    queued = 5;
    const text = await metrics.registry.metrics();

    expect(text).toContain('training_jobs{status="queued"} 5');
    expect(text).toContain('training_jobs{status="running"} 1');
    expect(text).toContain('training_jobs{status="cancelled"} 0');
  });

  it('still serves the other metrics when a gauge callback fails, without stale values', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    let redisUp = true;
    metrics.setQueueDepthReader(() => {
      if (!redisUp) throw new Error('ECONNREFUSED');
      return { training: 7 };
    });
    expect(await metrics.registry.metrics()).toContain('queue_depth{queue="training"} 7');

    redisUp = false;
    const text = await metrics.registry.metrics();

    expect(text).not.toContain('queue_depth{');
    expect(text).toContain('model_cache_events_total');
  });

  it('records micro-batcher batches and model cache events through the hooks', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    // Nobody else expected: the two requests of this turn run together once its I/O is done,
    // never on a timer, so the batch count does not depend on how busy the machine is.
    const batcher = new MicroBatcher<number, number>({
      maxBatchSize: 16,
      maxWaitMs: 1000,
      maxQueue: 100,
      run: (xs) => xs,
      onBatch: metrics.recordBatch,
      expectMore: () => false,
    });
    const cache = new ModelCache<string, string>({
      load: async (key) => ({ value: key, bytes: 1 }),
      dispose: () => {},
      onEvent: metrics.recordCacheEvent,
    });

    await Promise.all([batcher.submit([1, 2, 3]), batcher.submit([4])]);
    await cache.use('m', () => {});
    await cache.use('m', () => {});
    const text = await metrics.registry.metrics();

    expect(text).toContain('prediction_batch_size_count 1');
    expect(text).toContain('prediction_batch_size_sum 4');
    expect(text).toContain('prediction_queue_wait_seconds_count 2');
    expect(text).toContain('model_cache_events_total{event="miss"} 1');
    expect(text).toContain('model_cache_events_total{event="load"} 1');
    expect(text).toContain('model_cache_events_total{event="hit"} 1');
  });
});
