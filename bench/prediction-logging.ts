import type { BenchEnv } from './bench-env.ts';
import { loadTest } from './load-test.ts';
import { shippedEnv, startService } from './service-process.ts';

const ROUNDS = Number(process.env.BENCH_LOGGING_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_LOGGING_SECONDS ?? 5);
const CONNECTIONS = 16;

export interface PredictionLoggingFigures {
  concurrency: number;
  /** Requests per second with logging off and with every request logged, per round. */
  rounds: { off: number; on: number }[];
  /** Median over rounds of throughput with every request logged / with logging off. */
  ratio: number;
  /** The service process's CPU time per request (ms; the logged round's last flush included), per round. */
  cpuPerRequest?: { off: number; on: number }[];
  /**
   * Median over rounds of CPU per request with logging off / with it on: the throughput ratio a
   * saturated service would show, less disturbed by other load on a shared machine.
   */
  cpuRatio?: number;
  /** p99 latency (ms), medians over rounds. */
  p99?: { off: number; on: number };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/**
 * Figure 2c: `:predict` (one row) on the production alias with prediction logging at 100%
 * against logging off, through the service as `npm start` runs it (its default settings and
 * info logging, a worker in the process) driven over HTTP by autocannon from this process,
 * rounds interleaved (off, then on, in each). The service's CPU comes from its own `/metrics`
 * (`process_cpu_seconds_total`); a logged round ends when its last flush has stored every
 * record, so its CPU includes all the writing it caused. The served model (iris, version 1)
 * must exist; the rate is switched through the API between rounds and applies from the next
 * request.
 */
export async function benchPredictionLogging(bench: BenchEnv): Promise<PredictionLoggingFigures> {
  const service = await startService(shippedEnv(bench.env), process.env.BENCH_SERVICE_SCRIPT ?? 'start');
  try {
    const call = async (method: 'PUT' | 'POST', url: string, payload: object) => {
      const response = await fetch(`${service.url}${url}`, {
        method,
        headers: { ...bench.auth, 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      });
      if (response.status !== 200) throw new Error(`${url}: ${await response.text()}`);
    };
    const cpuSeconds = async () => {
      const text = await (await fetch(`${service.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('process_cpu_seconds_total '));
      if (!line) throw new Error('the service reports no process_cpu_seconds_total');
      return Number(line.split(' ')[1]);
    };
    const records = async () => {
      const [row] = await bench.deps.db.$queryRaw<{ logged: number }[]>`
        SELECT coalesce(sum(cardinality("versionIds")), 0)::int AS logged FROM "PredictionLogBatch"`;
      return row?.logged ?? 0;
    };
    await call('PUT', '/v1/models/iris/aliases/production', { version: 1 });
    const url = `${service.url}/v1/models/iris/labels/production:predict`;
    const body = JSON.stringify({
      instances: [{ sepal_length: 5.9, sepal_width: 3, petal_length: 5.1, petal_width: 1.8 }],
    });
    const run = async (logged: boolean, seconds: number) => {
      await call('PUT', '/v1/models/iris/logging', { sampleRate: logged ? 1 : 0 });
      const before = await records();
      const cpu = await cpuSeconds();
      const result = await loadTest(url, { body, headers: bench.auth, connections: CONNECTIONS, seconds });
      if (result.errors || result.non2xx) throw new Error(`${result.errors} errors, ${result.non2xx} non-2xx answers`);
      // The round's records are written inside its measurement: a flush left over would load the next round.
      const deadline = Date.now() + 60_000;
      while (logged && (await records()) < before + result.requests) {
        if (Date.now() > deadline) throw new Error("the logged round's records were not all stored within a minute");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const cpuMs = ((await cpuSeconds()) - cpu) * 1000;
      return { rps: result.requestsPerSecond, cpuMs: cpuMs / result.requests, p99: result.p99Ms };
    };
    // Warm-up of both paths: model load, JIT, the log's first flush and INSERT.
    await run(false, 2);
    await run(true, 2);
    const rounds: PredictionLoggingFigures['rounds'] = [];
    const cpuPerRequest: NonNullable<PredictionLoggingFigures['cpuPerRequest']> = [];
    const p99s: { off: number; on: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const off = await run(false, SECONDS);
      const on = await run(true, SECONDS);
      rounds.push({ off: off.rps, on: on.rps });
      cpuPerRequest.push({ off: off.cpuMs, on: on.cpuMs });
      p99s.push({ off: off.p99, on: on.p99 });
    }
    await call('PUT', '/v1/models/iris/logging', { sampleRate: 0 });
    return {
      concurrency: CONNECTIONS,
      rounds,
      ratio: median(rounds.map((r) => r.on / r.off)),
      cpuPerRequest,
      cpuRatio: median(cpuPerRequest.map((r) => r.off / r.on)),
      p99: { off: median(p99s.map((p) => p.off)), on: median(p99s.map((p) => p.on)) },
    };
  } finally {
    await service.stop();
  }
}
