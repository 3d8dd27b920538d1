import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the project's files are, whether this code runs from its TypeScript sources (tsx,
 * vitest) or from the compiled build in dist/ (`npm start`), where esbuild may have moved
 * this module into a shared chunk: paths are found from the root, never relative to a module.
 */

/** True when running the TypeScript sources; false in the compiled build. */
export const runningFromSource = import.meta.url.endsWith('.ts');

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** The directory holding package.json. */
export const projectRoot = findRoot(path.dirname(fileURLToPath(import.meta.url)));

/** A path inside the project, e.g. `projectPath('prisma', 'migrations')`. */
export const projectPath = (...segments: string[]): string => path.join(projectRoot, ...segments);
