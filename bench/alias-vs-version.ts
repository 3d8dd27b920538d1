/**
 * Predictions by alias against predictions by version number, same run, interleaved: the
 * same model through the whole app in this process (`inject`, 16 at a time), rounds
 * alternating which path goes first. Once its route cache is warm an alias costs no database
 * query, so the two should cost the same; `aliasReads` counts the alias resolutions that did
 * reach PostgreSQL during the measured rounds (0 expected). A third side, the alias with the
 * route cache held off (one resolution query per request, as before the cache), shows what the
 * cache saves.
 *   npx tsx bench/alias-vs-version.ts   (or `npm run bench -- alias`)
 */
import { pathToFileURL } from 'node:url';
import { ensureBackend } from '../src/ml/backend.ts';
import { createBenchEnv, type BenchEnv } from './bench-env.ts';
import { trainServedModel } from './predict-bench.ts';
import { median } from './predict-summary.ts';

export interface AliasBenchResult {
  concurrency: number;
  seconds: number;
  aliasRps: number[];
  versionRps: number[];
  /** The alias with the route cache off: a resolution query per request. */
  uncachedAliasRps: number[];
  /** Median of each round's alias over version requests per second (1: the same cost). */
  ratio: number;
  /** The same for the uncached alias over the version. */
  uncachedRatio: number;
  /** Alias resolutions read from PostgreSQL during the measured rounds. */
  aliasReads: number;
}

const CONCURRENCY = 16;
const payload = { instances: [{ sepal_length: 5.9, sepal_width: 3, petal_length: 5.1, petal_width: 1.8 }] };

async function requestsPerSecond(bench: BenchEnv, url: string, seconds: number): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const response = await bench.app.inject({ method: 'POST', url, headers: bench.auth, payload });
        if (response.statusCode !== 200) throw new Error(`predict failed: ${response.body}`);
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

/** Trains the served model when the environment has none, then measures both paths. */
export async function benchAliasVsVersion(
  bench: BenchEnv,
  opts: { rounds?: number; seconds?: number; train?: boolean } = {},
): Promise<AliasBenchResult> {
  const rounds = opts.rounds ?? 4;
  const seconds = opts.seconds ?? 3;
  if (opts.train ?? true) await trainServedModel(bench);
  const moved = await bench.app.inject({
    method: 'PUT',
    url: '/v1/models/iris/aliases/production',
    headers: bench.auth,
    payload: { version: 1 },
  });
  if (moved.statusCode !== 200) throw new Error(`alias move failed: ${moved.body}`);
  await bench.deps.routeChangeListener.whenLive();
  const paths = { alias: '/v1/models/iris/labels/production:predict', version: '/v1/models/iris/versions/1:predict' };
  // Warm-up: both paths, the model loaded and both resolutions cached.
  for (const url of Object.values(paths)) await requestsPerSecond(bench, url, 1);
  const routes = bench.deps.predictions.routes;
  const rps = { alias: [] as number[], version: [] as number[], uncached: [] as number[] };
  let aliasReads = 0;
  const sides = ['alias', 'version', 'uncached'] as const;
  for (let round = 0; round < rounds; round++) {
    // Each side goes first, second and third in turn.
    const order = sides.map((_, i) => sides[(i + round) % sides.length]!);
    for (const side of order) {
      if (side === 'uncached') routes.setLive(false);
      const reads = routes.reads;
      const url = side === 'version' ? paths.version : paths.alias;
      rps[side].push(Math.round(await requestsPerSecond(bench, url, seconds)));
      if (side === 'alias') aliasReads += routes.reads - reads;
      if (side !== 'uncached') continue;
      routes.setLive(true);
      // Warm again, unmeasured: the alias side measures a warm cache.
      await bench.app.inject({ method: 'POST', url: paths.alias, headers: bench.auth, payload });
    }
  }
  const ratios = (side: 'alias' | 'uncached') => median(rps[side].map((r, i) => r / rps.version[i]!));
  return {
    concurrency: CONCURRENCY,
    seconds,
    aliasRps: rps.alias,
    versionRps: rps.version,
    uncachedAliasRps: rps.uncached,
    ratio: ratios('alias'),
    uncachedRatio: ratios('uncached'),
    aliasReads,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await ensureBackend();
  const bench = await createBenchEnv();
  try {
    console.log(JSON.stringify(await benchAliasVsVersion(bench)));
  } finally {
    await bench.close();
  }
  process.exit(0);
}
