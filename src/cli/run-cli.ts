import { ConfigError } from '../config/env.ts';
import { MigrationError } from '../db/migrate.ts';

/** Runs a command's body; configuration and migration problems end the process with one clear line. */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof MigrationError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    }
    process.exit(1);
  }
}
