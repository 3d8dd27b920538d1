import { freePort, npmScriptCommands, startNpmScript, stop, waitFor } from '../test/resilience/processes.ts';

/** The service in a child process, as `npm start` runs it. */
export interface ServiceProcess {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The node flags it runs with (e.g. heap sizes), for giving a baseline the same. */
  nodeFlags: string[];
  stop(): Promise<void>;
}

/**
 * Starts the service exactly as `npm start` does (its build, then its compiled entry with its
 * node flags: migrations, the API and a worker in one process, info logging unless `env` says
 * otherwise), configured by `env`, on 127.0.0.1 and a free port; resolves once it answers
 * /healthz. What is measured is what users run. Extra node flags come from BENCH_NODE_ARGS,
 * e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` for a profile.
 */
export async function startService(env: Record<string, string>, script = 'start'): Promise<ServiceProcess> {
  const port = await freePort();
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const proc = startNpmScript(script, { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port) }, nodeArgs);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    'the API to answer /healthz',
    async () => {
      if (proc.child.exitCode !== null)
        throw new Error(`npm run ${script} exited with ${proc.child.exitCode}: ${proc.output()}`);
      return fetch(`${url}/healthz`).then(
        (response) => response.ok,
        () => false,
      );
    },
    30_000,
  );
  return {
    url,
    nodeFlags: npmScriptCommands(script).run.filter((arg) => arg.startsWith('--')),
    // SIGTERM: a graceful exit, which also writes a profile asked for by BENCH_NODE_ARGS.
    stop: () => stop(proc, 'SIGTERM'),
  };
}

/** The service's own settings as users start it: the bench's database and store, nothing silenced. */
export function shippedEnv(env: Record<string, string>): Record<string, string> {
  const { LOG_LEVEL: _silenced, ...rest } = env;
  return rest;
}
