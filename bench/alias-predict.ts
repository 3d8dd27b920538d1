/**
 * `npx tsx bench/alias-predict.ts`: `:predict` throughput on a plain alias (one version, no
 * split, no logging) through the whole app in this process (`inject`, 16 at a time), so the
 * prediction path's own cost is what differs between runs. Written against APIs older trees
 * have too: the same file measures two checkouts in interleaved runs (before/after a change to
 * the prediction path). Prints one JSON line.
 */
import { ensureBackend } from '../src/ml/backend.ts';
import { createBenchEnv } from './bench-env.ts';
import { trainServedModel } from './predict-bench.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONCURRENCY = 16;

await ensureBackend();
const bench = await createBenchEnv();
try {
  await trainServedModel(bench);
  const moved = await bench.app.inject({
    method: 'PUT',
    url: '/v1/models/iris/aliases/production',
    headers: bench.auth,
    payload: { version: 1 },
  });
  if (moved.statusCode !== 200) throw new Error(`alias move failed: ${moved.body}`);
  const payload = { instances: [{ sepal_length: 5.9, sepal_width: 3, petal_length: 5.1, petal_width: 1.8 }] };
  const predict = async () => {
    const response = await bench.app.inject({
      method: 'POST',
      url: '/v1/models/iris/labels/production:predict',
      headers: bench.auth,
      payload,
    });
    if (response.statusCode !== 200) throw new Error(`predict failed: ${response.body}`);
  };
  const run = async (seconds: number) => {
    const end = performance.now() + seconds * 1000;
    let done = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < end) {
          await predict();
          done++;
        }
      }),
    );
    return done / ((performance.now() - started) / 1000);
  };
  await run(1);
  const rps: number[] = [];
  for (let round = 0; round < ROUNDS; round++) rps.push(await run(SECONDS));
  console.log(JSON.stringify({ tree: process.cwd(), rps: rps.map((r) => Math.round(r)) }));
} finally {
  await bench.close();
}
process.exit(0);
