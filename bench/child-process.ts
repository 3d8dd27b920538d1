import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** A benchmark child running a TypeScript entry with tsx. */
export interface BenchChild {
  process: ChildProcess;
  /** The first JSON line the child printed. */
  first: Record<string, unknown>;
  stop(): Promise<void>;
}

/**
 * The first line a child writes to `stream`; the rest (a ceiling's or a peer's access lines)
 * drains unread, since splitting it into lines would take CPU from the child being measured.
 */
export function firstLine(stream: Readable): Promise<string> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: stream });
    lines.once('line', (line) => {
      lines.close();
      stream.resume();
      resolve(line);
    });
  });
}

/**
 * Starts `entry` (relative to bench/) under tsx's loader, with `nodeArgs` for node, and waits
 * for its first stdout line, a JSON object (a port, or a result). Children keep the parent's
 * stderr, so a crash is visible.
 */
export async function startChild(
  entry: string,
  env: Record<string, string> = {},
  args: string[] = [],
  nodeArgs: string[] = [],
): Promise<BenchChild> {
  return startProcess(fileURLToPath(new URL(entry, import.meta.url)), env, args, [...nodeArgs, '--import', 'tsx']);
}

/** Starts a JavaScript file (an absolute path) under plain node, with `nodeArgs`, as startChild does. */
async function startProcess(
  script: string,
  env: Record<string, string>,
  args: string[],
  nodeArgs: string[],
): Promise<BenchChild> {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const first = await new Promise<Record<string, unknown>>((resolve, reject) => {
    firstLine(child.stdout!)
      .then((line) => JSON.parse(line) as Record<string, unknown>)
      .then(resolve, reject);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before answering`)));
  });
  return {
    process: child,
    first,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs `entry` to completion and returns the JSON result it printed. */
export async function runChild(
  entry: string,
  env: Record<string, string> = {},
  args: string[] = [],
  nodeArgs: string[] = [],
): Promise<Record<string, unknown>> {
  return finish(await startChild(entry, env, args, nodeArgs));
}

/** Runs a JavaScript file (an absolute path) under plain node to completion and returns the JSON result it printed. */
export async function runScript(
  script: string,
  env: Record<string, string> = {},
  args: string[] = [],
  nodeArgs: string[] = [],
): Promise<Record<string, unknown>> {
  return finish(await startProcess(script, env, args, nodeArgs));
}

async function finish(child: BenchChild): Promise<Record<string, unknown>> {
  // The child exits once it has printed; a SIGTERM now would race it (and lose a --cpu-prof profile).
  if (child.process.exitCode === null) await once(child.process, 'exit');
  return child.first;
}
