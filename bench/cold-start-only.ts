/** `npx tsx bench/cold-start-only.ts`: figure 1e alone (rounds: BENCH_ROUNDS). */
import { ensureBackend } from '../src/ml/backend.ts';
import { createBenchEnv } from './bench-env.ts';
import { benchColdStart } from './cold-start.ts';
import { coldStartRows } from './report.ts';
import { trainServedModel } from './predict-bench.ts';

await ensureBackend();
const bench = await createBenchEnv();
try {
  await trainServedModel(bench);
  const figures = await benchColdStart(bench);
  console.log(JSON.stringify(figures, null, 1));
  console.log(coldStartRows(figures).join('\n'));
} finally {
  await bench.close();
}
process.exit(0);
