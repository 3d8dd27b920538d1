/**
 * Tuning jobs (src/tuning): 16 random-search trials (an MLP regressing miles per gallon on the
 * cars data) on two workers two at a time against the same 16 trials one after another (random
 * search draws the same points whatever the parallelism), and ASHA against plain random search
 * with the same trials and seed (time and best validation loss). Rounds alternate which variant
 * goes first, as the machine is shared; a warm-up search first starts the workers' processes.
 */
import { startTrainingWorker } from '../src/training/jobs/worker.ts';
import { uploadFixture, type BenchEnv } from './bench-env.ts';

export interface TuningRun {
  variant: string;
  wallMs: number;
  bestObjective: number | null;
  stopped: number;
  epochsRun: number;
}

export interface TuningFigures {
  trials: number;
  rounds: TuningRun[][];
}

const TRIALS = Number(process.env.BENCH_TUNING_TRIALS ?? 16);
const ROUNDS = Number(process.env.BENCH_TUNING_ROUNDS ?? 1);

async function runSearch(bench: BenchEnv, datasetId: string, variant: string, body: object): Promise<TuningRun> {
  const started = performance.now();
  const response = await bench.app.inject({
    method: 'POST',
    url: '/v1/tuning-jobs',
    headers: bench.auth,
    payload: {
      datasetId,
      target: 'miles_per_gallon',
      modelName: `tuned-${variant}`,
      split: { test: 0.2, validation: 0.2, seed: 5 },
      model: { type: 'mlp', epochs: 27, batchSize: 16, hiddenLayers: [{ units: 16 }] },
      searchSpace: {
        learningRate: { type: 'float', min: 1e-4, max: 0.3, scale: 'log' },
        'hiddenLayers.0.units': { type: 'int', min: 4, max: 64, scale: 'log' },
      },
      algorithm: 'random',
      maxTrials: TRIALS,
      seed: 17,
      ...body,
    },
  });
  if (response.statusCode !== 202) throw new Error(`tuning submit failed: ${response.body}`);
  const id = response.json().id as string;
  for (;;) {
    const job = await bench.deps.db.tuningJob.findUniqueOrThrow({
      where: { id },
      include: { trials: { include: { trainingJob: { select: { progress: true } } } } },
    });
    if (job.status !== 'queued' && job.status !== 'running') {
      if (job.status !== 'succeeded') throw new Error(`tuning ${variant} ${job.status}: ${JSON.stringify(job.error)}`);
      const objectives = job.trials.map((t) => t.objective).filter((v): v is number => v !== null);
      return {
        variant,
        wallMs: performance.now() - started,
        bestObjective: objectives.length ? Math.min(...objectives) : null,
        stopped: job.trials.filter((t) => t.state === 'stopped').length,
        epochsRun: job.trials.reduce(
          (sum, t) => sum + ((t.trainingJob?.progress as { epochs?: unknown[] } | null)?.epochs?.length ?? 0),
          0,
        ),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs the variants in `ROUNDS` rounds, alternating their order; a second worker joins the bench's own. */
export async function benchTuning(bench: BenchEnv): Promise<TuningFigures> {
  const datasetId = await uploadFixture(bench, 'tabular/cars.csv', 'cars-tuning');
  const second = startTrainingWorker(bench.deps);
  // Not measured: starts both workers' training processes, which the first variant would otherwise pay for.
  await runSearch(bench, datasetId, 'warm-up', { parallelTrials: 2, maxTrials: 2, trialStopping: false });
  const variants: Array<[string, object]> = [
    ['parallel-2', { parallelTrials: 2, trialStopping: false }],
    ['sequential', { parallelTrials: 1, trialStopping: false }],
    ['asha-parallel-2', { parallelTrials: 2 }],
  ];
  const rounds: TuningRun[][] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? variants : [...variants].reverse();
      const runs: TuningRun[] = [];
      for (const [variant, body] of order) runs.push(await runSearch(bench, datasetId, `${variant}-${round}`, body));
      rounds.push(runs);
    }
  } finally {
    await second.close();
  }
  return { trials: TRIALS, rounds };
}

/** The report's section: per round, each variant's wall time, best validation loss, stopped trials and epochs run. */
export function tuningSection(figures: TuningFigures | { error: string } | undefined): string {
  if (!figures) return '';
  if ('error' in figures) return `Tuning benchmark failed: ${figures.error}\n`;
  const rows = figures.rounds.flatMap((runs) =>
    runs.map(
      (r) =>
        `| ${r.variant} | ${(r.wallMs / 1000).toFixed(1)} s | ${r.bestObjective?.toFixed(4) ?? 'n/a'} | ${r.stopped} | ${r.epochsRun} |`,
    ),
  );
  const ratios = figures.rounds.map((runs, round) => {
    const find = (name: string) => runs.find((r) => r.variant.startsWith(`${name}-`));
    const parallel = find('parallel-2');
    const sequential = find('sequential');
    const asha = find('asha-parallel-2');
    if (!parallel || !sequential || !asha) return `- round ${round + 1}: incomplete`;
    return (
      `- round ${round + 1}: one at a time takes ${(sequential.wallMs / parallel.wallMs).toFixed(2)}x the wall time ` +
      `of two at a time; ASHA takes ${(asha.wallMs / parallel.wallMs).toFixed(2)}x the time of plain random search ` +
      `(${asha.epochsRun} epochs run against ${parallel.epochsRun}), best validation loss ` +
      `${asha.bestObjective?.toFixed(4) ?? 'n/a'} against ${parallel.bestObjective?.toFixed(4) ?? 'n/a'}`
    );
  });
  return `Tuning jobs (\`bench/tuning-bench.ts\`): ${figures.trials} random-search trials of an MLP regressing miles per gallon on the
cars data (398 rows, 27 epochs at most, early stopping on; learning rate and width searched) on two workers two at a time, the same trials one at a time, and the
two-at-a-time search with ASHA stopping trailing trials (random search draws the same points in all three, so
they do the same work but for the epochs ASHA saves):

| variant | wall time | best validation loss | trials stopped | epochs run |
| --- | --- | --- | --- | --- |
${rows.join('\n')}

${ratios.join('\n')}
`;
}
