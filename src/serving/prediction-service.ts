import type { Config } from '../config/env.ts';
import type { Database } from '../db/client.ts';
import { ValidationError } from '../errors.ts';
import { predictEncoded } from '../evaluation/evaluate-model.ts';
import { argmax } from '../evaluation/classification-metrics.ts';
import type { tf } from '../ml/backend.ts';
import type { Metrics } from '../observability/metrics.ts';
import { encodeInstances } from '../preprocessing/instance-encoding.ts';
import type { Label, PreprocessingState } from '../preprocessing/preprocessing-state.ts';
import { loadModelArtifact } from '../registry/artifact-io.ts';
import { resolveVersion, type VersionRef } from '../registry/model-registry.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { MicroBatcher } from './micro-batcher.ts';
import { ModelCache } from './model-cache.ts';
import type { Prediction } from './predictor.ts';

/** A model version in memory, with the batcher that coalesces its concurrent requests. */
interface LoadedVersion {
  model: tf.LayersModel;
  preprocessing: PreprocessingState;
  batcher: MicroBatcher<Float32Array, Prediction>;
}

export interface PredictionResult {
  predictions: Prediction[];
  model: { name: string; version: number };
}

/**
 * Answers prediction requests. Versions are resolved in PostgreSQL on every request, so
 * an alias move takes effect at once; loaded models are cached by their immutable version
 * id (bounded LRU), so the swap never drops a request: requests already holding the old
 * version finish on it, and it is disposed after its last one.
 */
export class PredictionService {
  private readonly cache: ModelCache<string, LoadedVersion>;

  constructor(
    private readonly db: Database,
    private readonly store: ArtifactStore,
    private readonly config: Config,
    private readonly metrics?: Metrics,
  ) {
    this.cache = new ModelCache<string, LoadedVersion>({
      maxEntries: config.MODEL_CACHE_SIZE,
      load: (versionId) => this.load(versionId),
      // One prediction before serving: the first real request does not pay for kernel set-up.
      warmUp: ({ model, preprocessing }) => void predictEncoded(model, new Float32Array(preprocessing.width), 1, preprocessing.width, preprocessing.target),
      dispose: ({ model }) => model.dispose(),
      onEvent: (event) => metrics?.recordCacheEvent(event),
    });
  }

  async predict(projectId: string, name: string, ref: VersionRef, instances: unknown[]): Promise<PredictionResult> {
    if (instances.length === 0) throw new ValidationError('`instances` must hold at least one instance.', [{ path: 'instances', message: 'is empty' }]);
    if (instances.length > this.config.MAX_PREDICT_INSTANCES) {
      throw new ValidationError(`At most ${this.config.MAX_PREDICT_INSTANCES} instances per request; got ${instances.length}.`, [{ path: 'instances', message: 'too many instances' }]);
    }
    const { model, version } = await resolveVersion(this.db, projectId, name, ref);
    const started = performance.now();
    const predictions = await this.cache.use(version.id, (loaded) => {
      // Encoding validates each instance, so a bad one fails its own request before batching.
      const encoded = encodeInstances(loaded.preprocessing, instances);
      const width = loaded.preprocessing.width;
      const rows = Array.from({ length: instances.length }, (_, i) => encoded.subarray(i * width, (i + 1) * width));
      return loaded.batcher.submit(rows);
    });
    this.metrics?.predictionDuration.observe({ model: name, version: String(version.version) }, (performance.now() - started) / 1000);
    return { predictions, model: { name: model.name, version: version.version } };
  }

  /** Loads a version (coalesced by the cache), verifying the artifact's checksum. */
  private async load(versionId: string): Promise<{ value: LoadedVersion; bytes: number }> {
    const version = await this.db.modelVersion.findUniqueOrThrow({ where: { id: versionId } });
    const model = await loadModelArtifact(this.store, version.artifactKey, version.artifactSha256);
    const preprocessing = version.preprocessing as unknown as PreprocessingState;
    const batcher = new MicroBatcher<Float32Array, Prediction>({
      maxBatchSize: this.config.PREDICT_BATCH_MAX_SIZE,
      maxWaitMs: this.config.PREDICT_BATCH_MAX_WAIT_MS,
      maxQueue: this.config.PREDICT_MAX_QUEUE,
      run: (rows) => runBatch(model, preprocessing, rows),
      onBatch: (stats) => this.metrics?.recordBatch(stats),
    });
    return { value: { model, preprocessing, batcher }, bytes: model.countParams() * 4 };
  }

  close(): void {
    this.cache.clear();
  }
}

/** One tensor call for every row of a batch. */
function runBatch(model: tf.LayersModel, preprocessing: PreprocessingState, rows: Float32Array[]): Prediction[] {
  const width = preprocessing.width;
  const x = new Float32Array(rows.length * width);
  rows.forEach((row, i) => x.set(row, i * width));
  const outputs = predictEncoded(model, x, rows.length, width, preprocessing.target);
  const target = preprocessing.target;
  if (target.task === 'regression') return (outputs as number[]).map((value) => ({ value }));
  return (outputs as number[][]).map((probabilities) => ({
    label: target.labels[argmax(probabilities)] as Label,
    probabilities: Object.fromEntries(target.labels.map((label, index) => [String(label), probabilities[index] ?? 0])),
  }));
}
