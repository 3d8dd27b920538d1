import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from '../test/resilience/processes.ts';
import { firstLine } from './child-process.ts';

/** Debian's own interpreter: a version manager's shim earlier on PATH lacks Debian's packages. */
export const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';

/** The FastAPI + scikit-learn server, running. */
export interface ServingPeer {
  /** The predict URL, shaped as the API's numbered-version path. */
  predictUrl: string;
  /** Its MLP's accuracy on the training rows, so speed is read beside quality. */
  accuracy: number;
  /** What the peer runs, for the report. */
  settings: string;
  stop(): Promise<void>;
}

/** Why no peer could run (its packages missing), instead of failing the whole bench. */
export interface PeerUnavailable {
  unavailable: string;
}

const SCRIPT = fileURLToPath(new URL('./peers/fastapi_sklearn.py', import.meta.url));

/**
 * Starts bench/peers/fastapi_sklearn.py on a free port of 127.0.0.1, trained on `csv`, and
 * resolves once it answers. Its output is drained and dropped, as the API's is read by the
 * bench, so neither writes into a full pipe.
 */
export async function startServingPeer(csv: string): Promise<ServingPeer | PeerUnavailable> {
  const probe = spawnSync(PYTHON, ['-c', 'import fastapi, uvicorn, sklearn, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0)
    return {
      unavailable:
        `${PYTHON} cannot import fastapi, uvicorn and sklearn ` +
        `(apt-get install python3-fastapi python3-uvicorn python3-sklearn): ${(probe.stderr ?? probe.error?.message ?? '').trim().split('\n').pop()}`,
    };
  const port = await freePort();
  const child = spawn(PYTHON, [SCRIPT, csv, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.resume();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const first = await new Promise<{ accuracy: number }>((resolve, reject) => {
    firstLine(child.stdout)
      .then((line) => JSON.parse(line) as { accuracy: number })
      .then(resolve, reject);
    child.once('exit', (code) => reject(new Error(`the FastAPI peer exited with ${code} before answering`)));
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(
    'the FastAPI peer to answer /healthz',
    () =>
      fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      ),
    30_000,
  );
  return {
    predictUrl: `${base}/v1/models/iris/versions/1:predict`,
    accuracy: first.accuracy,
    settings: 'FastAPI + uvicorn, 1 worker, default logging (access log at info), scikit-learn MLPClassifier (64, 32)',
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
