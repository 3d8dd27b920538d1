import { loadConfig } from '../config/env.ts';
import { createDatabase } from '../db/client.ts';
import { resolveMasterKeys } from '../storage/encryption/master-keys.ts';
import { rotateMasterKey } from '../storage/encryption/rotate-master-key.ts';
import { runCli } from './run-cli.ts';

/**
 * `npm run rotate-master-key`: re-wraps every data key with MAAS_MASTER_KEY (the new key),
 * opening them with MAAS_PREVIOUS_MASTER_KEYS (the old ones). Stored files stay as they are.
 * Prints the report as one JSON line; exits 1 while some data key is wrapped by a master key it was not given.
 */
await runCli(async () => {
  const config = loadConfig();
  const db = createDatabase(config.DATABASE_URL, 2);
  try {
    const report = await rotateMasterKey(db, await resolveMasterKeys(config));
    process.stdout.write(`${JSON.stringify(report)}\n`);
    if (report.unavailable.length) process.exitCode = 1;
  } finally {
    await db.$disconnect();
  }
});
