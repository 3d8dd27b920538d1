import closeWithGrace from 'close-with-grace';
import { loadConfig } from '../config/env.ts';
import { createInfrastructure } from '../deps.ts';
import { createLogger } from '../logger.ts';
import { startTrainingWorker } from '../training/jobs/worker.ts';
import { startBatchWorker } from '../batch/batch-worker.ts';
import { startWebhookWorker } from '../webhooks/webhook-worker.ts';
import { runCli } from './run-cli.ts';

await runCli(async () => {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'worker');
  // This process only relays jobs to its training children and runs maintenance: a small pool.
  const infrastructure = createInfrastructure(config, { logger, poolSize: 2 });
  const worker = startTrainingWorker(infrastructure);
  // Batch predictions and webhook deliveries run beside training, each on its own queue.
  const batchWorker = startBatchWorker(infrastructure);
  const webhookWorker = startWebhookWorker(infrastructure);
  // Closing checkpoints the running jobs and hands them back to the queue; a checkpoint
  // lands within one batch, so the grace period only has to cover the slowest batch.
  closeWithGrace({ delay: 60_000 }, async ({ signal }) => {
    logger.info({ signal }, 'worker shutting down: checkpointing and handing back running jobs');
    await Promise.all([worker.close(), batchWorker.close(), webhookWorker.close()]);
    await infrastructure.close();
    logger.info('worker stopped');
  });
});
