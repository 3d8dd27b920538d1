/** `npx tsx bench/prediction-logging-only.ts` (rounds: BENCH_LOGGING_ROUNDS, seconds: BENCH_LOGGING_SECONDS): figure 2c alone (prediction logging at 100% vs off). */
import { ensureBackend } from '../src/ml/backend.ts';
import { createBenchEnv } from './bench-env.ts';
import { trainServedModel } from './predict-bench.ts';
import { benchPredictionLogging } from './prediction-logging.ts';

await ensureBackend();
const bench = await createBenchEnv();
try {
  await trainServedModel(bench);
  const figures = await benchPredictionLogging(bench);
  figures.rounds.forEach(({ off, on }, i) => {
    const cpu = figures.cpuPerRequest![i]!;
    console.log(
      `off ${off.toFixed(0)} rps, ${cpu.off.toFixed(3)} ms CPU/request; on ${on.toFixed(0)} rps, ${cpu.on.toFixed(3)} ms`,
    );
  });
  console.log(
    `logging 100% / off: throughput ratio ${figures.ratio.toFixed(3)}, CPU ratio ${figures.cpuRatio!.toFixed(3)} (target >= 0.9); ` +
      `p99 ${figures.p99!.off.toFixed(2)} / ${figures.p99!.on.toFixed(2)} ms`,
  );
} finally {
  await bench.close();
}
process.exit(0);
