/**
 * `npm run gpu-probe`: can this machine's GPU train for the service? Prints the WebGPU adapter
 * (or exactly why there is none), then trains each architecture on WebGPU and on WASM side by
 * side: a short run from the same weights whose numbers must agree, and a timed run at the
 * benchmark's sizes. Exits 1 when there is no adapter or the numbers disagree.
 *
 * Runs in the repository's root (it reads the committed fixtures) or bundled with what it needs
 * (`node scripts/build-gpu-probe.mjs`) for a GPU machine that has no package registry.
 * `PROBE_JSON=path` also writes the results as JSON.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import {
  loadParityData,
  PARITY_ARCHITECTURES,
  PARITY_TOLERANCE,
  parityGap,
  trainForParity,
  type ParityArchitecture,
  type ParityRun,
} from '../ml/backend-parity.ts';
import { adapterLabel, openWebGpu } from '../ml/webgpu.ts';

/** The timed runs: the epochs of the training benchmark, on every example. */
const TIMED_EPOCHS: Record<ParityArchitecture, number> = {
  mlp: 100,
  cnn: 20,
  rnn: 20,
  lstm: 20,
  gru: 20,
  // About 10 s an epoch on WASM (issue-sized text model): a few say enough.
  transformer: 5,
};
const SHORT = { epochs: 3, limit: 96 };

interface ArchitectureResult {
  architecture: ParityArchitecture;
  gap?: { loss: number; probability: number };
  agrees?: boolean;
  timed: { backend: string; epochs: number; examples: number; fitMs: number; finalLoss: number }[];
  error?: string;
}

async function main(): Promise<number> {
  // The repository's root: npm scripts run there, and so does the bundled probe.
  const root = pathToFileURL(`${process.cwd()}/`);
  console.log(`node ${process.version} on ${os.platform()} ${os.arch()}, ${os.cpus().length} CPUs`);
  const gpu = await openWebGpu();
  if ('unavailable' in gpu) console.log(`WebGPU: unavailable: ${gpu.unavailable}`);
  else console.log(`WebGPU adapter: ${adapterLabel(gpu.adapter)}\n  ${JSON.stringify(gpu.adapter)}`);
  const data = await loadParityData(root);
  const backends = 'adapter' in gpu ? (['webgpu', 'wasm'] as const) : (['wasm'] as const);
  const only = process.env.PROBE_ARCHITECTURES?.split(',');
  const results: ArchitectureResult[] = [];
  for (const architecture of PARITY_ARCHITECTURES.filter((name) => !only || only.includes(name))) {
    const result: ArchitectureResult = { architecture, timed: [] };
    results.push(result);
    try {
      if ('adapter' in gpu) {
        const [webgpu, wasm] = [
          await trainForParity('webgpu', architecture, data, SHORT),
          await trainForParity('wasm', architecture, data, SHORT),
        ];
        result.gap = parityGap(webgpu, wasm);
        result.agrees =
          result.gap.loss <= PARITY_TOLERANCE.loss && result.gap.probability <= PARITY_TOLERANCE.probability;
      }
      for (const backend of backends) {
        const run: ParityRun = await trainForParity(backend, architecture, data, {
          epochs: TIMED_EPOCHS[architecture],
        });
        result.timed.push({
          backend,
          epochs: run.epochs,
          examples: run.examples,
          fitMs: Math.round(run.fitMs),
          finalLoss: run.losses.at(-1) ?? Number.NaN,
        });
      }
    } catch (error) {
      result.error = error instanceof Error ? error.message.split('\n')[0] : String(error);
    }
    console.log(describe(result));
  }
  if (process.env.PROBE_JSON) {
    const adapter = 'adapter' in gpu ? gpu.adapter : { unavailable: gpu.unavailable };
    writeFileSync(process.env.PROBE_JSON, JSON.stringify({ adapter, tolerance: PARITY_TOLERANCE, results }, null, 2));
  }
  const failed = results.filter((result) => result.error !== undefined || result.agrees === false);
  return 'unavailable' in gpu || failed.length > 0 ? 1 : 0;
}

function describe(result: ArchitectureResult): string {
  const parts = [result.architecture.padEnd(12)];
  if (result.gap) {
    const { loss, probability } = result.gap;
    parts.push(
      `${result.agrees ? 'agrees' : 'DISAGREES'} (loss ${loss.toExponential(1)}, p ${probability.toExponential(1)})`,
    );
  }
  for (const run of result.timed) {
    parts.push(
      `${run.backend} ${(run.fitMs / 1000).toFixed(2)} s for ${run.epochs} epochs x ${run.examples} (loss ${run.finalLoss.toFixed(3)})`,
    );
  }
  const [webgpu, wasm] = result.timed;
  if (result.timed.length === 2 && webgpu && wasm) parts.push(`WebGPU ${(wasm.fitMs / webgpu.fitMs).toFixed(2)}x WASM`);
  if (result.error) parts.push(`FAILED: ${result.error}`);
  return parts.join('  ');
}

process.exitCode = await main();
