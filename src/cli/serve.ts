import { startServer } from '../api/server.ts';
import { loadConfig } from '../config/env.ts';
import { createDeps } from '../deps.ts';
import { runCli } from './run-cli.ts';

await runCli(async () => {
  const deps = await createDeps(loadConfig());
  await startServer(deps);
});
