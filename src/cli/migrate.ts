import { loadConfig } from '../config/env.ts';
import { migrate } from '../db/migrate.ts';
import { createLogger } from '../logger.ts';
import { runCli } from './run-cli.ts';

await runCli(async () => {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const applied = await migrate(config.DATABASE_URL, logger);
  logger.info({ applied: applied.length }, applied.length ? 'migrations applied' : 'database is up to date');
});
