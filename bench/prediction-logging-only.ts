/** `npx tsx bench/prediction-logging-only.ts`: figure 2c alone (prediction logging at 100% vs off). */
import { ensureBackend } from '../src/ml/backend.ts';
import { createBenchEnv } from './bench-env.ts';
import { trainServedModel } from './predict-bench.ts';
import { benchPredictionLogging } from './prediction-logging.ts';

await ensureBackend();
const bench = await createBenchEnv();
try {
  await trainServedModel(bench);
  const figures = await benchPredictionLogging(bench);
  for (const { off, on } of figures.rounds) console.log(`off ${off.toFixed(0)} rps; on ${on.toFixed(0)} rps`);
  console.log(`logging 100% / off: ratio ${figures.ratio.toFixed(3)} (target >= 0.9)`);
} finally {
  await bench.close();
}
process.exit(0);
