import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../src/config/env.ts';

/** A real OS process of ours (worker, service, Redis) with its output kept for failure messages. */
export interface Proc {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<number | string>;
}

function track(child: ChildProcess): Proc {
  // The last chunks, as they came: decoding and trimming each one as it arrived copied the whole
  // kept tail per chunk, which a service logging every request (the benchmark's) paid for in CPU
  // taken from the service it measures.
  const chunks: Buffer[] = [];
  let kept = 0;
  const keep = (chunk: Buffer) => {
    chunks.push(chunk);
    kept += chunk.length;
    while (chunks.length > 1 && kept - chunks[0]!.length >= OUTPUT_KEPT) kept -= chunks.shift()!.length;
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { child, output: () => Buffer.concat(chunks).toString().slice(-OUTPUT_KEPT), exited };
}

/** Characters of a process's output kept for failure messages. */
const OUTPUT_KEPT = 20_000;

/** The configuration as environment variables, the way an operator would start the process. */
export function configEnv(config: Config, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  for (const [name, value] of Object.entries(config)) if (value !== undefined) env[name] = String(value);
  return { ...env, ...overrides };
}

/**
 * Starts one of our entry points (`src/cli/worker.ts`, `src/cli/start.ts`, ...) as its own
 * process: node with tsx's loader directly rather than through `npx tsx`, so the pid we hold
 * (and kill) is the service itself and not a launcher in front of it.
 */
export function startEntryPoint(script: string, env: NodeJS.ProcessEnv): Proc {
  return track(spawn(process.execPath, ['--import', 'tsx', script], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The two node commands of a package.json script of the form `node <build> && node <flags> <entry>`
 * (`start`, `serve`, `worker`), as argument lists for node.
 */
export function npmScriptCommands(name: string): { build: string[]; run: string[] } {
  const scripts = (JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { scripts: Record<string, string> })
    .scripts;
  const commands = (scripts[name] ?? '').split('&&').map((command) => command.trim().split(/\s+/));
  const [build, run] = commands;
  if (commands.length !== 2 || build?.[0] !== 'node' || run?.[0] !== 'node')
    throw new Error(`unexpected form of the ${name} script: ${scripts[name]}`);
  return { build: build.slice(1), run: run.slice(1) };
}

/**
 * Runs a package.json script as `npm run <name>` does (build, then the compiled entry with the
 * script's node flags), but as node directly, so the pid held is the service itself.
 * `nodeArgs` go before the script's own (e.g. profiling flags).
 */
export function startNpmScript(name: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Proc {
  const { build, run } = npmScriptCommands(name);
  execFileSync(process.execPath, build, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return track(spawn(process.execPath, [...nodeArgs, ...run], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** A Redis of the test's own, with no persistence: killing it loses every key, as a crash would. */
export function startRedis(port: number): Proc {
  return track(
    spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls until `check` returns a value other than undefined/false, or fails naming `what`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 60_000,
  describe?: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describe ? `\n${describe()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Waits until the service at `base` answers /healthz with a 2xx, failing with `proc`'s output. */
export async function waitForHealthz(base: string, proc: Proc, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    `${base}/healthz to answer`,
    () =>
      fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      ),
    timeoutMs,
    proc.output,
  );
}

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function stop(proc: Proc | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill(signal);
  await proc.exited;
}
