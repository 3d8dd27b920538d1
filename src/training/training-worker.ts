import { fileURLToPath } from 'node:url';
import { Worker } from 'bullmq';
import type { Config } from '../config/env.ts';
import { createRedis } from '../deps.ts';
import type { Logger } from '../logger.ts';
import { jobCatalog } from '../queue/job-catalog.ts';

const processorFile = fileURLToPath(new URL('./training-processor.ts', import.meta.url));

/** The configuration as environment variables, so the child process parses the same settings. */
function configAsEnv(config: Config): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(config)) if (value !== undefined) env[name] = String(value);
  return env;
}

/**
 * Starts a BullMQ worker for training jobs. Each job runs in a sandboxed child process
 * (loaded through tsx), so CPU-bound training never starves the lock renewal here.
 */
export function startTrainingWorker(config: Config, logger: Logger): Worker {
  const connection = createRedis(config.REDIS_URL, { failFast: false });
  const worker = new Worker(jobCatalog.train.queue, processorFile, {
    connection,
    prefix: config.REDIS_PREFIX,
    concurrency: config.WORKER_CONCURRENCY,
    workerForkOptions: { env: configAsEnv(config), execArgv: ['--import', 'tsx'] },
    // The parent only relays messages while the child computes, so the default 30 s lock is
    // renewed on time even during long epochs; a crashed worker's job is picked up again
    // after one stalled-check interval.
    lockDuration: 30_000,
    stalledInterval: 30_000,
    maxStalledCount: 2,
  });
  worker.on('failed', (job, error) => logger.warn({ jobId: job?.id, err: error.message }, 'training attempt failed'));
  worker.on('error', (error) => logger.error({ err: error }, 'training worker error'));
  worker.on('ready', () => logger.info({ concurrency: config.WORKER_CONCURRENCY }, 'training worker ready'));
  const close = worker.close.bind(worker);
  worker.close = async (force?: boolean) => {
    await close(force);
    connection.disconnect();
  };
  return worker;
}
