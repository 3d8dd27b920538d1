/**
 * Child process of the benchmark: the real API (same buildApp as `npm run serve`) on
 * 127.0.0.1 and a free port, configured by the environment the parent passes. Prints
 * `{"port": N}` on its first stdout line once it listens.
 */
import { buildApp } from '../src/api/app.ts';
import { loadConfig } from '../src/config/env.ts';
import { closeDeps, createDeps } from '../src/deps.ts';

const deps = await createDeps(loadConfig());
const app = await buildApp(deps, { logger: false });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
process.on('SIGTERM', () => {
  void app.close().then(() => closeDeps(deps)).finally(() => process.exit(0));
});
