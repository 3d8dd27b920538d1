import type { BenchEnv } from './bench-env.ts';

const ROUNDS = Number(process.env.BENCH_LOGGING_ROUNDS ?? 3);
const SECONDS = 4;
const CONCURRENCY = 16;

export interface PredictionLoggingFigures {
  concurrency: number;
  /** Requests per second with logging off and with every request logged, per round. */
  rounds: { off: number; on: number }[];
  /** Median over rounds of throughput with every request logged / with logging off. */
  ratio: number;
  /** The process's CPU time per request (ms, log flushes included), per round. */
  cpuPerRequest?: { off: number; on: number }[];
  /**
   * Median over rounds of CPU per request with logging off / with it on: the throughput ratio a
   * saturated event loop would show, less disturbed by other load on a shared machine.
   */
  cpuRatio?: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/**
 * Figure 2c: `:predict` (one row) on the production alias with prediction logging at 100%
 * against logging off, through the whole app in the bench process (`inject`, 16 requests at a
 * time), rounds interleaved (off, then on, in each). In-process so that the log's batched
 * writes (encryption, store, PostgreSQL) compete for the same CPU as the predictions they log.
 * The served model (iris, version 1) must exist; the rate is switched through the API between
 * runs and applies from the next request.
 */
export async function benchPredictionLogging(bench: BenchEnv): Promise<PredictionLoggingFigures> {
  const call = async (method: 'PUT' | 'POST', url: string, payload: object) => {
    const response = await bench.app.inject({ method, url, headers: bench.auth, payload });
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.body}`);
  };
  await call('PUT', '/v1/models/iris/aliases/production', { version: 1 });
  const payload = { instances: [{ sepal_length: 5.9, sepal_width: 3, petal_length: 5.1, petal_width: 1.8 }] };
  const run = async (seconds: number) => {
    const end = performance.now() + seconds * 1000;
    let done = 0;
    const started = performance.now();
    const cpu = process.cpuUsage();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < end) {
          await call('POST', '/v1/models/iris/labels/production:predict', payload);
          done++;
        }
      }),
    );
    // The round's batches are written inside its time: a flush left over would load the next.
    await bench.deps.predictions.traffic.flush();
    const used = process.cpuUsage(cpu);
    return { rps: done / ((performance.now() - started) / 1000), cpuMs: (used.user + used.system) / 1000 / done };
  };
  await call('PUT', '/v1/models/iris/logging', { sampleRate: 1 });
  await run(1);
  const rounds: PredictionLoggingFigures['rounds'] = [];
  const cpuPerRequest: NonNullable<PredictionLoggingFigures['cpuPerRequest']> = [];
  for (let round = 0; round < ROUNDS; round++) {
    await call('PUT', '/v1/models/iris/logging', { sampleRate: 0 });
    const off = await run(SECONDS);
    await call('PUT', '/v1/models/iris/logging', { sampleRate: 1 });
    const on = await run(SECONDS);
    rounds.push({ off: off.rps, on: on.rps });
    cpuPerRequest.push({ off: off.cpuMs, on: on.cpuMs });
  }
  await call('PUT', '/v1/models/iris/logging', { sampleRate: 0 });
  return {
    concurrency: CONCURRENCY,
    rounds,
    ratio: median(rounds.map((r) => r.on / r.off)),
    cpuPerRequest,
    cpuRatio: median(cpuPerRequest.map((r) => r.off / r.on)),
  };
}
