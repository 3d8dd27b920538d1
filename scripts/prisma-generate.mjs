// Generates the Prisma client on install. The Prisma CLI insists on a schema-engine
// binary even though `generate` never runs it; where none can be downloaded we point it
// at an existing file so generation works offline.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = fileURLToPath(import.meta.url);
if (!existsSync(new URL('../prisma/schema.prisma', import.meta.url))) process.exit(0);
const result = spawnSync('npx', ['--no-install', 'prisma', 'generate'], { cwd: root, env, stdio: 'inherit' });
process.exit(result.status ?? 1);
