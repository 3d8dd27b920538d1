import { startServer } from '../api/server.ts';
import { loadConfig } from '../config/env.ts';
import { migrate } from '../db/migrate.ts';
import { createDeps } from '../deps.ts';
import { startTrainingWorker } from '../training/jobs/worker.ts';
import { startBatchWorker } from '../batch/batch-worker.ts';
import { startWebhookWorker } from '../webhooks/webhook-worker.ts';
import { runCli } from './run-cli.ts';

/** The whole service on one machine: migrations, then the API and one worker over the same resources. */
await runCli(async () => {
  const config = loadConfig();
  const deps = await createDeps(config);
  await migrate(config.DATABASE_URL, deps.logger);
  const worker = startTrainingWorker({ ...deps, logger: deps.logger.child({ name: 'worker' }) });
  const batchWorker = startBatchWorker({ ...deps, logger: deps.logger.child({ name: 'batch' }) });
  const webhookWorker = startWebhookWorker({ ...deps, logger: deps.logger.child({ name: 'webhooks' }) });
  await startServer(deps, [() => worker.close(), () => batchWorker.close(), () => webhookWorker.close()]);
});
