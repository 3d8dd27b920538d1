import type { Deps } from '../deps.ts';
import type { Metrics } from './metrics.ts';

/**
 * Points the scrape-time gauges at the service's state: training jobs by status, counted in
 * PostgreSQL (the source of truth, shared by every replica), and jobs waiting in the BullMQ
 * training queue (waiting, prioritised, or delayed for a retry).
 */
export function watchServiceState(metrics: Metrics, deps: Pick<Deps, 'db' | 'trainingQueue'>): void {
  metrics.setTrainingJobCounter(async () => {
    const groups = await deps.db.trainingJob.groupBy({ by: ['status'], _count: { _all: true } });
    return Object.fromEntries(groups.map((group) => [group.status, group._count._all]));
  });
  metrics.setQueueDepthReader(async () => {
    const counts = await deps.trainingQueue.getJobCounts('waiting', 'prioritized', 'delayed');
    return { [deps.trainingQueue.name]: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0) };
  });
}
