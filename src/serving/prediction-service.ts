import type { LayersModel } from '../ml/tfjs.ts';
import type { Config } from '../config/env.ts';
import type { Database } from '../db/client.ts';
import { predictionPathStatement } from '../db/sql.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { InputSchema, OutputSchema, PreprocessingState } from '../preprocessing/preprocessing-state.ts';
import { ShadowTraffic } from '../monitoring/shadow-traffic.ts';
import { TrafficRecorder, type ServedTraffic } from '../monitoring/traffic-recorder.ts';
import { SeededRandom } from '../ml/seeded-random.ts';
import { loadModelArtifact } from '../registry/artifact-io.ts';
import { loadOnnxArtifact } from '../registry/onnx-artifact.ts';
import { keyedByUser } from '../user-keys.ts';
import type { VersionRef } from '../registry/model-registry.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { adapterFor } from './adapter-choice.ts';
import { Arrivals, type Arrival } from './arrivals.ts';
import { denseForward } from './dense-forward.ts';
import { assertFinitePredictions } from './finite-predictions.ts';
import { calibratingForwardPass } from './forward-choice.ts';
import { tensorflowPass } from './forward-pass.ts';
import type { InputAdapter, Prediction } from './input-adapter.ts';
import { MicroBatcher } from './micro-batcher.ts';
import { ModelCache } from './model-cache.ts';
import type { ModelCacheStats } from './model-cache.ts';
import type { RouteChange } from '../registry/route-changes.ts';
import { RouteCache } from './route-cache.ts';
import { chooseSplitVersion } from './traffic-split.ts';
import { resolveServedVersion, type ResolvedVersion } from './version-resolver.ts';

export type { ResolvedVersion } from './version-resolver.ts';

/** A model version in memory, with the batcher that coalesces its concurrent requests. */
export interface LoadedVersion {
  /** The TensorFlow.js model (explanations differentiate it); absent for ONNX imports. */
  model?: LayersModel;
  /** Frees the model (TensorFlow.js weights or an ONNX Runtime session). */
  dispose: () => void;
  preprocessing: PreprocessingState;
  /**
   * Columns of the training dataset the model does not read (an id, a constant, an unused text
   * or date column, the target): accepted in an instance and ignored. Empty for imported versions.
   */
  ignored: ReadonlySet<string>;
  /** Encodes and decodes by the preprocessing's kind (tabular, image, text, sequence). */
  adapter: InputAdapter;
  batcher: MicroBatcher<Float32Array, Prediction>;
  /**
   * Runs a batch of encoded rows on TensorFlow.js or, for dense tabular models where faster
   * at that batch size, in plain JavaScript.
   */
  run: (rows: Float32Array[]) => Prediction[] | Promise<Prediction[]>;
  /**
   * Runs a batch by a fixed rule, whatever the timings: the pass `run` takes before this
   * machine's timings are in. For answers that must repeat exactly (an explanation with a seed):
   * `run` switches passes at the measured batch size once timed, and the two passes' float
   * sums differ in the last bits.
   */
  steadyRun: (rows: Float32Array[]) => Prediction[] | Promise<Prediction[]>;
}

/** Per-request options of {@link PredictionService.predict}. */
export interface PredictOptions {
  /**
   * Keys of the instances echoed beside each prediction (`passthrough`), so a caller can join
   * answers back to its rows; they are accepted whether or not the model reads them.
   */
  passthrough?: readonly string[];
  /** Sticky assignment on a split alias: the same key is always served by the same version. */
  routingKey?: string;
}

/** What a version takes and gives, for metadata routes; immutable, like the version. */
export interface ServedSignature {
  preprocessing: PreprocessingState;
  inputSchema: InputSchema;
  outputSchema: OutputSchema;
}

/** Turns a request into instances once its version (and so its signature) is known. */
export type InstancesOf = (resolved: ResolvedVersion) => Promise<unknown[]> | unknown[];

export interface PredictionResult {
  predictions: Prediction[];
  model: { name: string; version: number };
  /** One id per instance when the request was sampled for the prediction log (feedback names them). */
  predictionIds?: string[];
}

/** Shadow requests run at once, at most; enough for them to share batches. */
const SHADOW_CONCURRENCY = 8;

// Signatures are a few hundred bytes each; the bound only stops unbounded growth.
const MAX_SIGNATURES = 1_000;
// Numbered versions resolved recently; only failures (404s) are never kept.
const NUMBERED_TTL_MS = 5_000;
const MAX_NUMBERED = 10_000;

// The pool's own SQL, as for every lookup of the prediction path (src/db/sql.ts).
const SIGNATURE_OF_VERSION = predictionPathStatement('SELECT preprocessing FROM "ModelVersion" WHERE id = $1', ['']);
const VERSION_TO_LOAD = predictionPathStatement(
  `SELECT v.preprocessing, v."artifactFormat", v."artifactKey", v."artifactSha256", v."artifactBytes",
    d.columns AS "datasetColumns"
  FROM "ModelVersion" v LEFT JOIN "Dataset" d ON d.id = v."datasetId"
  WHERE v.id = $1`,
  [''],
);

/**
 * Answers prediction requests. Aliases and the default are resolved in PostgreSQL once, then
 * served from this process's route cache until a route-change notice (or the TTL) drops them,
 * so an alias move takes effect at the next request on every replica; loaded models are cached by their immutable
 * version id (bounded LRU), so the swap never drops a request: requests already holding the
 * old version finish on it, and it is disposed after its last one.
 */
export class PredictionService {
  private readonly cache: ModelCache<string, LoadedVersion>;
  /** Alias and default resolutions, live while route-change notices reach this process. */
  readonly routes: RouteCache;
  private readonly signatures = new Map<string, ServedSignature>();
  private readonly numbered = new Map<string, { resolved: ResolvedVersion; until: number }>();
  /** Numbered versions being resolved now, by the same key. */
  private readonly resolving = new Map<string, Promise<ResolvedVersion>>();
  private metrics: Metrics | undefined;
  /** Requests on their way to a batcher: the company worth waiting for. */
  readonly arrivals = new Arrivals();
  /** Routed and logged traffic, written in batches off the prediction path. */
  readonly traffic: TrafficRecorder;
  /** Copies of requests for shadow versions, run after their answers. */
  readonly shadows: ShadowTraffic;
  /** Draws the version of a split for requests without a routing key (seeded by TRAFFIC_SPLIT_SEED). */
  private readonly splitRandom: () => number;

  constructor(
    private readonly db: Database,
    private readonly store: ArtifactStore,
    private readonly config: Config,
    metrics?: Metrics,
  ) {
    this.metrics = metrics;
    this.traffic = new TrafficRecorder(db, store, {
      flushMs: config.PREDICTION_LOG_FLUSH_MS,
      maxBuffer: config.PREDICTION_LOG_MAX_BUFFER,
    });
    this.shadows = new ShadowTraffic({ maxQueue: config.SHADOW_QUEUE_MAX, concurrency: SHADOW_CONCURRENCY });
    const seeded = config.TRAFFIC_SPLIT_SEED === undefined ? undefined : new SeededRandom(config.TRAFFIC_SPLIT_SEED);
    this.splitRandom = seeded ? () => seeded.next() : Math.random;
    this.routes = new RouteCache({ ttlMs: config.ROUTE_CACHE_TTL_MS });
    this.cache = new ModelCache<string, LoadedVersion>({
      maxEntries: config.MODEL_CACHE_SIZE,
      ...(config.MODEL_CACHE_MB !== undefined && { maxBytes: config.MODEL_CACHE_MB * 1024 ** 2 }),
      load: (versionId) => this.load(versionId),
      // One prediction before serving: the first real request does not pay for kernel set-up.
      warmUp: ({ run, adapter }) => void run([new Float32Array(adapter.rowSize)]),
      dispose: (loaded) => loaded.dispose(),
      onEvent: (event) => this.metrics?.recordCacheEvent(event),
    });
  }

  /** Reports batches, queue waits, cache events and durations to `metrics` from now on. */
  useMetrics(metrics: Metrics): void {
    this.metrics = metrics;
  }

  /**
   * Resolves a version, alias or the default (`production`, else newest) to the exact version.
   * Aliases and the default come from the route cache, which route-change notices keep exact
   * (see src/registry/route-changes.ts). A numbered version never changes once registered, so its resolution is kept for a
   * few seconds: the hottest path (`versions/N:predict`) then skips a database round trip.
   */
  async resolve(projectId: string, name: string, ref: VersionRef): Promise<ResolvedVersion> {
    if (!('version' in ref)) {
      const alias = 'alias' in ref ? ref.alias : '';
      return this.routes.resolve(projectId, name, alias, () => resolveServedVersion(this.db, projectId, name, ref));
    }
    const key = `${projectId}\u0000${name}\u0000${ref.version}`;
    const now = performance.now();
    const known = this.numbered.get(key);
    if (known && known.until > now) return known.resolved;
    // Under load many requests find an entry expired at once; they share the first one's query.
    const running = this.resolving.get(key);
    if (running !== undefined) return running;
    const query = resolveServedVersion(this.db, projectId, name, ref)
      .then((resolved) => {
        if (this.numbered.size >= MAX_NUMBERED) this.numbered.clear();
        this.numbered.set(key, { resolved, until: now + NUMBERED_TTL_MS });
        return resolved;
      })
      .finally(() => this.resolving.delete(key));
    this.resolving.set(key, query);
    return query;
  }

  /**
   * Resolves the version and predicts. `instances` may be a function of the resolved version,
   * for formats that need its signature to become instances (columnar and V2 tensors).
   */
  async predict(
    projectId: string,
    name: string,
    ref: VersionRef,
    instances: unknown[] | InstancesOf,
    arrival?: Arrival,
    options: PredictOptions = {},
  ): Promise<PredictionResult & { resolved: ResolvedVersion }> {
    // Counted from the HTTP server's first sight of the request when the route passes it in.
    const joined = arrival ?? this.arrivals.begin();
    try {
      // Each request's count is checked exactly once: instances given as they are before
      // resolution (a request that can never be served costs no query), instances made from
      // the version's signature as soon as they exist.
      const given = Array.isArray(instances) ? this.counted(instances) : undefined;
      const named = await this.resolve(projectId, name, ref);
      const split = named.routing?.split;
      const resolved = split
        ? { ...named, ...pick(chooseSplitVersion(split, options.routingKey, this.splitRandom)) }
        : named;
      const rows = given ?? this.counted(await (instances as InstancesOf)(resolved));
      // A plain alias or version of an unlogged model records nothing: the path stays as it was.
      if (resolved.routing === null && resolved.logSampleRate === 0) {
        const predictions = await this.predictResolved(projectId, resolved, rows, joined, options);
        return { predictions, model: { name: resolved.model, version: resolved.version }, resolved };
      }
      return { ...(await this.predictRecorded(projectId, resolved, rows, joined, options)), resolved };
    } finally {
      joined();
    }
  }

  /**
   * Predicts like {@link predictResolved} and hands what happened to the traffic recorder (and,
   * when sampled, to the prediction log); then queues the request's copy for the alias's shadow.
   */
  private async predictRecorded(
    projectId: string,
    resolved: ResolvedVersion,
    rows: unknown[],
    joined: () => void,
    options: PredictOptions = {},
  ): Promise<PredictionResult> {
    const rate = resolved.logSampleRate;
    const logged = rate > 0 && (rate >= 1 || Math.random() < rate);
    const started = performance.now();
    // One object, filled in as the request goes: this runs for every routed or logged request.
    const traffic: ServedTraffic = {
      projectId,
      modelId: resolved.modelId,
      versionId: resolved.versionId,
      version: resolved.version,
      shadow: false,
      latencyMs: 0,
      error: true,
      instances: rows,
      predictions: null,
      logged,
    };
    let predictionIds: string[] | null;
    let predictions: Prediction[];
    try {
      predictions = await this.predictResolved(projectId, resolved, rows, joined, options);
      traffic.predictions = predictions;
      traffic.error = false;
    } finally {
      traffic.latencyMs = performance.now() - started;
      // The recorder numbers logged predictions within its current batch: their ids.
      predictionIds = this.traffic.record(traffic);
    }
    const shadow = resolved.routing?.shadow;
    if (shadow) this.shadows.offer(() => this.predictShadow(projectId, resolved, shadow, rows, logged));
    const model = { name: resolved.model, version: resolved.version };
    return predictionIds ? { predictions, model, predictionIds } : { predictions, model };
  }

  /** Runs a shadow's copy of a request; its answer is recorded (and logged when the request was), never returned. */
  private async predictShadow(
    projectId: string,
    served: ResolvedVersion,
    shadow: { versionId: string; version: number },
    rows: unknown[],
    logged: boolean,
  ): Promise<void> {
    const resolved = { ...served, ...shadow, routing: null };
    const started = performance.now();
    let predictions: Prediction[] | null = null;
    try {
      predictions = await this.predictResolved(projectId, resolved, rows, () => undefined);
    } finally {
      this.traffic.record({
        projectId,
        modelId: resolved.modelId,
        versionId: resolved.versionId,
        version: resolved.version,
        shadow: true,
        latencyMs: performance.now() - started,
        error: predictions === null,
        instances: rows,
        predictions,
        logged,
      });
    }
  }

  /** The instances, once their count is known to be servable: at least one, at most `MAX_PREDICT_INSTANCES`. */
  private counted(instances: unknown[]): unknown[] {
    const max = this.config.MAX_PREDICT_INSTANCES;
    if (instances.length === 0)
      throw new ValidationError('`instances` must hold at least one instance.', [
        { path: 'instances', message: 'is empty' },
      ]);
    if (instances.length > max)
      throw new ValidationError(`At most ${max} instances per request; got ${instances.length}.`, [
        { path: 'instances', message: 'too many instances' },
      ]);
    return instances;
  }

  /**
   * Predicts every instance (counted by {@link predict}) with a resolved version, batched with
   * concurrent requests. `joined` is called once the request is queued (or failed before), for
   * arrival counting.
   */
  private async predictResolved(
    projectId: string,
    resolved: ResolvedVersion,
    instances: unknown[],
    joined: () => void,
    options: PredictOptions = {},
  ): Promise<Prediction[]> {
    const started = performance.now();
    const imputed: (string[] | undefined)[] = [];
    const passthrough = options.passthrough;
    const predictions = await this.cache.use(resolved.versionId, async (loaded) => {
      let rows: Float32Array[];
      try {
        const ignore =
          passthrough === undefined || passthrough.length === 0
            ? loaded.ignored
            : new Set([...loaded.ignored, ...passthrough]);
        // Encoding validates each instance, so a bad one fails its own request before batching.
        const encoded = await loaded.adapter.encode(instances, { ignore, imputed });
        const width = loaded.adapter.rowSize;
        rows = Array.from({ length: instances.length }, (_, i) => encoded.subarray(i * width, (i + 1) * width));
      } catch (error) {
        joined();
        // A queue may be waiting for this request: it is not coming.
        loaded.batcher.poke();
        throw error;
      }
      joined();
      return loaded.batcher.submit(rows);
    });
    assertFinitePredictions(predictions);
    // Said only where it happened: a complete row's prediction stays as it was.
    for (let i = 0; i < imputed.length; i++) if (imputed[i] !== undefined) predictions[i]!.imputed = imputed[i];
    if (passthrough !== undefined && passthrough.length > 0)
      for (let i = 0; i < predictions.length; i++) predictions[i]!.passthrough = echoed(instances[i], passthrough);
    this.metrics?.predictionDuration.observe(
      { project: projectId, model: resolved.model, version: String(resolved.version) },
      (performance.now() - started) / 1000,
    );
    return predictions;
  }

  /** The version's input and output schema, read once per version from PostgreSQL. */
  async signature(resolved: ResolvedVersion): Promise<ServedSignature> {
    const known = this.signatures.get(resolved.versionId);
    if (known) return known;
    const [row] = await this.db.sql.rows<{ preprocessing: PreprocessingState }>(SIGNATURE_OF_VERSION, [
      resolved.versionId,
    ]);
    if (row === undefined) throw new NotFoundError('Version', resolved.versionId);
    const preprocessing = row.preprocessing;
    const { inputSchema, outputSchema } = adapterFor(preprocessing);
    const signature = { preprocessing, inputSchema, outputSchema };
    if (this.signatures.size >= MAX_SIGNATURES) this.signatures.clear();
    this.signatures.set(resolved.versionId, signature);
    return signature;
  }

  /**
   * Runs `fn` with a version's loaded model (loading it on a miss), held against eviction until
   * `fn` settles: for work beside plain predictions, such as explanations.
   */
  withLoaded<R>(resolved: ResolvedVersion, fn: (loaded: LoadedVersion) => Promise<R> | R): Promise<R> {
    return this.cache.use(resolved.versionId, fn);
  }

  /** Loads and warms a version up (coalesced with other loads); resolves once it can serve. */
  async ensureLoaded(resolved: ResolvedVersion): Promise<void> {
    await this.cache.use(resolved.versionId, () => undefined);
  }

  /** Every version number of a model, oldest first (all of them are servable on demand). */
  async versionsOf(projectId: string, name: string): Promise<number[]> {
    const rows = await this.db.modelVersion.findMany({
      where: { model: { projectId, name } },
      select: { version: true },
      orderBy: { version: 'asc' },
    });
    return rows.map((row) => row.version);
  }

  /**
   * Stops serving deleted versions in this process at once: their loaded models, signatures and
   * numbered resolutions are dropped (requests already running on a model finish on it). Other
   * replicas do the same on the deletion's route-change notice ({@link routeChanged}).
   */
  forgetVersions(versionIds: readonly string[]): void {
    const gone = new Set(versionIds);
    for (const id of gone) {
      this.cache.invalidate(id);
      this.signatures.delete(id);
    }
    for (const [key, entry] of this.numbered) if (gone.has(entry.resolved.versionId)) this.numbered.delete(key);
  }

  /**
   * Applies a route-change notice: the model's (or project's) alias and default resolutions
   * and numbered resolutions are read again, and deleted versions are unloaded.
   */
  routeChanged(change: RouteChange): void {
    this.routes.invalidate(change);
    const prefix =
      change.model === undefined ? `${change.projectId}\u0000` : `${change.projectId}\u0000${change.model}\u0000`;
    for (const key of this.numbered.keys()) if (key.startsWith(prefix)) this.numbered.delete(key);
    for (const key of this.resolving.keys()) if (key.startsWith(prefix)) this.resolving.delete(key);
    if (change.versionIds) this.forgetVersions(change.versionIds);
  }

  /** The model cache's counters, e.g. for tests and diagnostics. */
  cacheStats(): ModelCacheStats {
    return this.cache.stats();
  }

  /** Loads a version (coalesced by the cache), verifying the artifact's checksum. */
  private async load(versionId: string): Promise<{ value: LoadedVersion; bytes: number }> {
    const [version] = await this.db.sql.rows<{
      preprocessing: PreprocessingState;
      artifactFormat: string;
      artifactKey: string;
      artifactSha256: string;
      artifactBytes: bigint;
      datasetColumns: unknown;
    }>(VERSION_TO_LOAD, [versionId]);
    if (version === undefined) throw new NotFoundError('Version', versionId);
    const preprocessing = version.preprocessing;
    const adapter = adapterFor(preprocessing, {
      imageLimits: {
        maxPixelsPerImage: this.config.MAX_IMAGE_PIXELS,
        maxPixelsPerRequest: this.config.MAX_REQUEST_IMAGE_PIXELS,
      },
    });
    const ignored = leftOutColumns(version.datasetColumns, adapter.inputSchema);
    const batcherOf = (run: LoadedVersion['run'], afterBatch?: () => void) =>
      new MicroBatcher<Float32Array, Prediction>({
        maxBatchSize: this.config.PREDICT_BATCH_MAX_SIZE,
        maxWaitMs: this.config.PREDICT_BATCH_MAX_WAIT_MS,
        maxQueue: this.config.PREDICT_MAX_QUEUE,
        run,
        onBatch: (stats) => {
          this.metrics?.recordBatch(stats);
          afterBatch?.();
        },
        expectMore: () => this.arrivals.expected,
      });
    if (version.artifactFormat === 'onnx') {
      const model = await loadOnnxArtifact(this.store, version.artifactKey, version.artifactSha256);
      const run = async (rows: Float32Array[]) =>
        adapter.decode(await model.run(joinRows(rows, adapter.rowSize), rows.length), rows.length);
      const value: LoadedVersion = {
        dispose: () => void model.dispose(),
        preprocessing,
        ignored,
        adapter,
        batcher: batcherOf(run),
        run,
        steadyRun: run,
      };
      return { value, bytes: Number(version.artifactBytes) };
    }
    const model = await loadModelArtifact(this.store, version.artifactKey, version.artifactSha256);
    const tensorflow = tensorflowPass(model, adapter.inputShape);
    // Dense tabular models also have a plain-JavaScript pass; which one serves a batch of a
    // given size is measured for this model on this machine (see forward-choice.ts), in turns
    // begun after the version's first batch of requests (not the load's warm-up): neither the
    // load nor the first request waits for it.
    const javascript = adapter.inputShape.length === 1 ? denseForward(model, adapter.rowSize) : undefined;
    const passes =
      javascript === undefined ? undefined : calibratingForwardPass(javascript, tensorflow, adapter.rowSize);
    const forward = passes?.forward ?? tensorflow;
    const runOn = (pass: typeof forward) => (rows: Float32Array[]) =>
      adapter.decode(pass(joinRows(rows, adapter.rowSize), rows.length), rows.length);
    const run = runOn(forward);
    const value: LoadedVersion = {
      model,
      dispose: () => model.dispose(),
      preprocessing,
      ignored,
      adapter,
      batcher: batcherOf(run, passes && (() => void passes.calibrate())),
      run,
      steadyRun: runOn(passes?.steady ?? tensorflow),
    };
    return { value, bytes: model.countParams() * 4 };
  }

  /** Waits for queued shadow requests, writes the recorded traffic, then unloads every model. */
  async close(): Promise<void> {
    await this.shadows.idle();
    await this.traffic.close();
    this.cache.clear();
  }
}

/** The version fields of a split's chosen version. */
function pick(version: { versionId: string; version: number }): { versionId: string; version: number } {
  return { versionId: version.versionId, version: version.version };
}

/**
 * The training dataset's columns that are not inputs of the model: the target, an id, a
 * constant, a column the training left out. Requests may send whole dataset records.
 */
function leftOutColumns(columns: unknown, input: InputSchema): ReadonlySet<string> {
  if (!Array.isArray(columns)) return new Set();
  const features = new Set(input.features.map((feature) => feature.name));
  const names = columns
    .map((column) => (column !== null && typeof column === 'object' ? (column as { name?: unknown }).name : undefined))
    .filter((name): name is string => typeof name === 'string' && !features.has(name));
  return new Set(names);
}

/** The passthrough keys' values of one instance (null where it has none). */
function echoed(instance: unknown, keys: readonly string[]): Record<string, unknown> {
  const record = instance !== null && typeof instance === 'object' && !Array.isArray(instance) ? instance : undefined;
  const values = keyedByUser<unknown>();
  for (const key of keys)
    values[key] = record !== undefined && Object.hasOwn(record, key) ? (record as Record<string, unknown>)[key] : null;
  return values;
}

/**
 * One row-major matrix of a batch's rows. The rows of one request are views into its encoded
 * matrix, so a batch of one request (e.g. a bulk request) is that matrix again, without a copy.
 */
function joinRows(rows: Float32Array[], width: number): Float32Array {
  const first = rows[0];
  let contiguous = first !== undefined;
  for (let i = 1; contiguous && i < rows.length; i++) {
    const row = rows[i]!;
    contiguous = row.buffer === first!.buffer && row.byteOffset === first!.byteOffset + i * width * 4;
  }
  if (contiguous) return new Float32Array(first!.buffer, first!.byteOffset, rows.length * width);
  const x = new Float32Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) x.set(rows[i]!, i * width);
  return x;
}
