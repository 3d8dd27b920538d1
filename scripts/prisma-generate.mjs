// Generates the Prisma client on install. The Prisma CLI insists on a schema-engine
// binary even though `generate` never runs it; where none can be downloaded we point it
// at an existing file so generation works offline.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (path) => existsSync(new URL(`../${path}`, import.meta.url));
if (!at('prisma/schema.prisma')) process.exit(0);
if (!at('node_modules/prisma')) {
  // A production install without dev dependencies keeps the client generated at build time.
  if (at('src/generated/prisma/client.ts')) process.exit(0);
  console.error(
    'The Prisma CLI (a dev dependency) is needed to generate the client: run `npm ci` with dev dependencies.',
  );
  process.exit(1);
}
const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = fileURLToPath(import.meta.url);
const result = spawnSync('npx', ['--no-install', 'prisma', 'generate'], { cwd: root, env, stdio: 'inherit' });
process.exit(result.status ?? 1);
