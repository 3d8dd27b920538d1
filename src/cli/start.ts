import { startServer } from '../api/server.ts';
import { loadConfig } from '../config/env.ts';
import { migrate } from '../db/migrate.ts';
import { createDeps } from '../deps.ts';
import { startTrainingWorker } from '../training/jobs/worker.ts';
import { startBatchWorker } from '../batch/batch-worker.ts';
import { startWebhookWorker } from '../webhooks/webhook-worker.ts';
import { runCli } from './run-cli.ts';

/**
 * When the workers' first maintenance round and the webhook worker's first sweep run. Each of
 * their queries is new to the process, and Prisma compiles every new query shape on first use
 * (20 to 45 ms of CPU each here); run at once, they shared the one thread with the API's first
 * requests and delayed the first prediction after a start by about 100 ms (BENCHMARKS.md, 1e').
 * Reconciling a few seconds later loses nothing: jobs are only taken for lost after 15 s, a
 * delivery's queue entry after 60 s, and a standalone worker still starts with both.
 */
const MAINTENANCE_DELAY_MS = 5_000;

/** The whole service on one machine: migrations, then the API and one worker over the same resources. */
await runCli(async () => {
  const config = loadConfig();
  const deps = await createDeps(config);
  await migrate(config.DATABASE_URL, deps.logger);
  const maintenance = { maintenanceDelayMs: MAINTENANCE_DELAY_MS };
  const worker = startTrainingWorker({ ...deps, logger: deps.logger.child({ name: 'worker' }) }, maintenance);
  const batchWorker = startBatchWorker({ ...deps, logger: deps.logger.child({ name: 'batch' }) }, maintenance);
  const webhookWorker = startWebhookWorker(
    { ...deps, logger: deps.logger.child({ name: 'webhooks' }) },
    { firstSweepDelayMs: MAINTENANCE_DELAY_MS },
  );
  await startServer(deps, [() => worker.close(), () => batchWorker.close(), () => webhookWorker.close()]);
});
