/** `npx tsx bench/predict-only.ts`: figures 1 and 2 alone (about 40 s), for quick before/after runs. */
import { ensureBackend } from '../src/ml/backend.ts';
import { createBenchEnv } from './bench-env.ts';
import { benchPredict } from './predict-bench.ts';

await ensureBackend();
const bench = await createBenchEnv();
try {
  const { concurrency, bulk, model } = await benchPredict(bench);
  model.dispose();
  for (const { connections, app, ceiling } of concurrency) {
    console.log(`c=${connections}: app ${app.requestsPerSecond.toFixed(0)} rps p50 ${app.p50Ms.toFixed(2)} p99 ${app.p99Ms.toFixed(2)}; ceiling ${ceiling.requestsPerSecond.toFixed(0)} rps p99 ${ceiling.p99Ms.toFixed(2)}`);
  }
  console.log(`bulk: ${bulk.appRowsPerSecond.toFixed(0)} / ${bulk.bareRowsPerSecond.toFixed(0)} = ${(bulk.appRowsPerSecond / bulk.bareRowsPerSecond).toFixed(3)}`);
} finally {
  await bench.close();
}
process.exit(0);
