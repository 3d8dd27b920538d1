/** `npx tsx bench/predict-only.ts`: figures 1 and 2 alone (about a minute and a half), for quick before/after runs. */
import { ensureBackend } from '../src/ml/backend.ts';
import { createBenchEnv } from './bench-env.ts';
import { benchPredict } from './predict-bench.ts';
import { summarizePredict } from './predict-summary.ts';

await ensureBackend();
const bench = await createBenchEnv();
try {
  const figures = await benchPredict(bench);
  figures.model.dispose();
  const { concurrency, bulk } = summarizePredict(figures);
  for (const c of concurrency) {
    console.log(
      `c=${c.connections}: ratio ${c.ratio.toFixed(3)} (${c.ratios.map((r) => r.toFixed(3)).join(' ')}); ` +
        `app ${c.appRps.toFixed(0)} rps p50 ${c.appP50.toFixed(2)} p99 ${c.appP99.toFixed(2)}; ` +
        `ceiling ${c.ceilingRps.toFixed(0)} rps p99 ${c.ceilingP99.toFixed(2)}; ` +
        `vs FastAPI ${c.peerRatio.toFixed(2)}x (${c.peerRatios.map((r) => r.toFixed(2)).join(' ')}), ` +
        `peer ${c.peerRps.toFixed(0)} rps p99 ${c.peerP99.toFixed(2)}` +
        (c.connections === 64
          ? `; ceiling with the access line ${c.loggedCeilingRps.toFixed(0)} rps (${c.loggedCeilingShare.toFixed(3)} of the ` +
            `ceiling), app ${c.ofLoggedCeiling.toFixed(3)} of it (${c.ofLoggedCeilingRounds.map((r) => r.toFixed(3)).join(' ')}); ` +
            `endpoint floor ${c.endpointFloorRps.toFixed(0)} rps (${c.endpointFloorShare.toFixed(3)} of the ceiling: ` +
            `${c.endpointFloorShares.map((r) => r.toFixed(3)).join(' ')}), app ${c.ofEndpointFloor.toFixed(3)} of it ` +
            `(${c.ofEndpointFloorRounds.map((r) => r.toFixed(3)).join(' ')}); warn-level service ${c.warnRps.toFixed(0)} rps, ` +
            `info at ${c.infoOfWarn.toFixed(3)} of it (${c.infoOfWarnRounds.map((r) => r.toFixed(3)).join(' ')})`
          : ''),
    );
  }
  console.log(
    `bulk: ratio ${bulk.ratio.toFixed(3)} (${bulk.ratios.map((r) => r.toFixed(3)).join(' ')}); ` +
      `binary V2 ${bulk.binaryRatio.toFixed(3)} (${bulk.binaryRatios.map((r) => r.toFixed(3)).join(' ')}); ` +
      `floor ${bulk.floorRatio.toFixed(3)}; of floor ${bulk.ofFloor.toFixed(3)}; ` +
      `rows/s app ${bulk.appRowsPerSecond.toFixed(0)} floor ${bulk.floorRowsPerSecond.toFixed(0)} ` +
      `bare ${bulk.bareRowsPerSecond.toFixed(0)}; vs FastAPI ${bulk.peerRatio.toFixed(2)}x ` +
      `(peer ${bulk.peerRowsPerSecond.toFixed(0)} rows/s)`,
  );
  console.log(`peer: ${JSON.stringify(figures.peer)}`);
} finally {
  await bench.close();
}
process.exit(0);
