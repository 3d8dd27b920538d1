import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startNpmScript, stop } from '../test/resilience/processes.ts';
import { submitTraining, uploadFixture, waitForJob, type BenchEnv } from './bench-env.ts';
import { median } from './predict-summary.ts';
import { PYTHON } from './serving-peer.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PEER = fileURLToPath(new URL('./peers/fastapi_sklearn.py', import.meta.url));
const IRIS = fileURLToPath(new URL('../test/fixtures/tabular/iris.csv', import.meta.url));

/** One cold start: spawn to ready, then the first and second one-row predictions. */
export interface ColdStart {
  readyMs: number;
  firstPredictMs: number;
  secondPredictMs: number;
}

export interface ColdStartFigures {
  rounds: { service: ColdStart; peer?: ColdStart }[];
  /** Medians over rounds; the ratio is taken within each round first. */
  serviceReadyMs: number;
  peerReadyMs: number;
  readyRatio: number;
  firstPredictMs: number;
  /** In a running service: each new version's first `:predict` (its load included) and second, ms. */
  newVersions: { firstMs: number; secondMs: number }[];
  peerUnavailable?: string;
}

/**
 * The other first prediction: of a version trained while the service runs (the worker of the
 * bench registers it, as a deployment's workers would), in a service already serving another.
 * It loads the version (artifact read, digest, decryption, model build) on the request's path,
 * without the process's own first-use costs, which a start pays once.
 */
async function newVersionFirstPredictions(bench: BenchEnv, env: Record<string, string>) {
  const port = await freePort();
  const proc = startNpmScript('start', { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port) });
  const base = `http://127.0.0.1:${port}`;
  const predictUrl = (version: number) => `${base}/v1/models/iris/versions/${version}:predict`;
  try {
    await untilAnswers(`${base}/readyz`, performance.now(), () => proc.child.exitCode !== null);
    for (let i = 0; i < 20; i++) await timedPredict(predictUrl(1), bench.auth);
    const datasetId = await uploadFixture(bench, 'tabular/iris.csv', 'iris-versions');
    const versions: ColdStartFigures['newVersions'] = [];
    for (let seed = 1; seed <= ROUNDS; seed++) {
      const job = await submitTraining(bench, {
        datasetId,
        target: 'species',
        modelName: 'iris',
        model: { type: 'mlp', epochs: 5, seed },
      });
      await waitForJob(bench, job.id, (j) => j.status === 'succeeded');
      const { version } = await bench.deps.db.modelVersion.findFirstOrThrow({
        where: { trainingJobId: job.id },
        select: { version: true },
      });
      const firstMs = await timedPredict(predictUrl(version), bench.auth);
      versions.push({ firstMs, secondMs: await timedPredict(predictUrl(version), bench.auth) });
    }
    return versions;
  } finally {
    await stop(proc, 'SIGTERM');
  }
}

/** Polls `url` every 5 ms until it answers 2xx; resolves with the time since `since`. */
async function untilAnswers(url: string, since: number, exited: () => boolean): Promise<number> {
  for (;;) {
    if (exited()) throw new Error(`the process exited before ${url} answered`);
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return performance.now() - since;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function timedPredict(url: string, headers: Record<string, string>): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ instances: [{ sepal_length: 5.9, sepal_width: 3, petal_length: 5.1, petal_width: 1.8 }] }),
  });
  await response.text();
  if (!response.ok) throw new Error(`predict answered ${response.status}`);
  return performance.now() - started;
}

/**
 * Figure 1e: the cold path as users meet it. The service started as `npm start` starts it (its
 * compiled build already made: the build is not part of a start), from spawn to `/readyz`, then
 * the first `:predict` of a version (artifact read, digest check, decryption, model load,
 * forward pass) and the second; beside it, uvicorn serving a pickled scikit-learn model, from
 * spawn to its first answer, and its first and second predictions. Rounds alternate the two.
 * The served model (iris, version 1) must exist.
 */
export async function benchColdStart(bench: BenchEnv): Promise<ColdStartFigures> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'maas-bench-cold-'));
  const pickle = path.join(scratch, 'iris.pickle');
  const trained = spawnSync(PYTHON, [PEER, 'train', IRIS, pickle], { encoding: 'utf8' });
  const peerUnavailable =
    trained.status === 0 ? undefined : (trained.stderr || String(trained.error)).trim().split('\n').pop();
  const { LOG_LEVEL: _silenced, ...env } = bench.env;
  const rounds: ColdStartFigures['rounds'] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const port = await freePort();
      // The build runs (a no-op once made) before startNpmScript spawns the service and returns.
      const proc = startNpmScript('start', { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port) });
      const launched = performance.now();
      const base = `http://127.0.0.1:${port}`;
      let service: ColdStart;
      try {
        const readyMs = await untilAnswers(`${base}/readyz`, launched, () => proc.child.exitCode !== null);
        const url = `${base}/v1/models/iris/versions/1:predict`;
        const firstPredictMs = await timedPredict(url, bench.auth);
        const secondPredictMs = await timedPredict(url, bench.auth);
        service = { readyMs, firstPredictMs, secondPredictMs };
      } finally {
        await stop(proc, 'SIGTERM');
      }
      let peer: ColdStart | undefined;
      if (!peerUnavailable) {
        const peerPort = await freePort();
        const launched = performance.now();
        const child = spawn(PYTHON, [PEER, 'serve', pickle, String(peerPort)], {
          stdio: ['ignore', 'ignore', 'ignore'],
        });
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        try {
          const peerBase = `http://127.0.0.1:${peerPort}`;
          const readyMs = await untilAnswers(`${peerBase}/healthz`, launched, () => child.exitCode !== null);
          const url = `${peerBase}/v1/models/iris/versions/1:predict`;
          const firstPredictMs = await timedPredict(url, {});
          const secondPredictMs = await timedPredict(url, {});
          peer = { readyMs, firstPredictMs, secondPredictMs };
        } finally {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        }
      }
      rounds.push({ service, ...(peer && { peer }) });
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const newVersions = await newVersionFirstPredictions(bench, env);
  const paired = rounds.filter((r) => r.peer);
  return {
    rounds,
    serviceReadyMs: median(rounds.map((r) => r.service.readyMs)),
    peerReadyMs: median(paired.map((r) => r.peer!.readyMs)),
    readyRatio: median(paired.map((r) => r.service.readyMs / r.peer!.readyMs)),
    firstPredictMs: median(rounds.map((r) => r.service.firstPredictMs)),
    newVersions,
    ...(peerUnavailable && { peerUnavailable }),
  };
}
