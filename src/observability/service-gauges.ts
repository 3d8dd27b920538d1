import type { Database } from '../db/client.ts';
import type { TrainingQueue } from '../queue/training-queue.ts';
import type { Metrics } from './metrics.ts';

/** Where the service gauges read their figures. */
export interface ServiceStateSources {
  db: Database;
  trainingQueue: TrainingQueue;
}

/**
 * Points the scrape-time gauges at the service's state: training jobs by status, counted in
 * PostgreSQL (the source of truth, shared by every replica), and jobs waiting in the BullMQ
 * training queue (waiting, prioritised, or delayed for a retry).
 */
export function watchServiceState(metrics: Metrics, { db, trainingQueue }: ServiceStateSources): void {
  metrics.setTrainingJobCounter(async () => {
    const groups = await db.trainingJob.groupBy({ by: ['status'], _count: { _all: true } });
    return Object.fromEntries(groups.map((group) => [group.status, group._count._all]));
  });
  metrics.setQueueDepthReader(async () => {
    const counts = await trainingQueue.getJobCounts('waiting', 'prioritized', 'delayed');
    return { [trainingQueue.name]: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0) };
  });
}
