import closeWithGrace from 'close-with-grace';
import { loadConfig } from '../config/env.ts';
import { createLogger } from '../logger.ts';
import { startTrainingWorker } from '../training/training-worker.ts';
import { runCli } from './run-cli.ts';

await runCli(async () => {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'worker');
  const worker = startTrainingWorker(config, logger);
  closeWithGrace({ delay: 60_000 }, async ({ signal }) => {
    logger.info({ signal }, 'worker shutting down');
    await worker.close();
  });
});
