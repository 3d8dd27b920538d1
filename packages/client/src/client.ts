import { ProblemError, problemFrom } from './errors.js';
import type { components, paths } from './openapi.js';
import { readEvents } from './sse.js';

type Schemas = components['schemas'];
type JsonBody<P extends keyof paths, M extends 'post' | 'put'> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

export type Dataset = Schemas['Dataset'];
export type TrainingJob = Schemas['TrainingJob'];
export type TrainingJobSummary = Schemas['TrainingJobSummary'];
export type TrainingJobRequest = JsonBody<'/v1/training-jobs', 'post'>;
export type Model = Schemas['Model'];
export type ModelVersion =
  paths['/v1/models/{name}/versions/{version}']['get']['responses'][200]['content']['application/json'];
export type ModelVersionSummary = Schemas['ModelVersionSummary'];
export type EvaluationMetrics = Schemas['EvaluationMetrics'];
export type AliasMove = Schemas['AliasMove'];
export type BatchPrediction = Schemas['BatchPrediction'];
export type TuningJob = Schemas['TuningJob'];
export type TuningJobRequest = JsonBody<'/v1/tuning-jobs', 'post'>;

/** How a batch prediction is asked for: the model and its version or alias, the output's shape. */
export interface BatchOptions {
  version?: number;
  alias?: string;
  outputFormat?: 'csv' | 'ndjson';
  /** Input columns copied next to each prediction (e.g. a customer id). */
  passthrough?: string[];
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/** Polling a batch prediction or a tuning job until it ends. */
export interface PollOptions<T> {
  /** Called with the job each time it is read. */
  onPoll?: (job: T) => void;
  pollIntervalMs?: number;
  signal?: AbortSignal;
}
export type PredictRequest = JsonBody<'/v1/models/{name}/versions/{version}:predict', 'post'>;
export type PredictResponse =
  paths['/v1/models/{name}/versions/{version}:predict']['post']['responses'][200]['content']['application/json'];
export type Instance = PredictRequest extends { instances?: (infer I)[] } ? I : unknown;
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Explanations as contracts.md describes them (POST ...:explain). */
export interface ExplainOptions {
  method?: 'shapley' | 'integrated-gradients' | 'smoothgrad';
  samples?: number;
  steps?: number;
  seed?: number;
}
export interface Explanation {
  prediction: unknown;
  explained: { output: 'probability' | 'value'; label?: string; value: number };
  baseline: number;
  attributions: { column: string; attribution: number }[];
  heatmap?: { width: number; height: number; values: number[]; png: string };
  tokens?: { token: string; attribution: number }[];
  steps?: number[][];
}
export interface ExplainResponse {
  model: { name: string; version: number };
  method: string;
  seed: number;
  explanations: Explanation[];
}

/** One epoch as the job reports it (from the event stream, or the job's `progress` when polling). */
export interface EpochProgress {
  epoch: number;
  loss: number | null;
  valLoss?: number | null;
  metrics?: Record<string, number>;
  elapsedMs?: number;
  [member: string]: unknown;
}

export interface MaasClientOptions {
  /** The service's base URL, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** A project API key (or the admin token for the admin routes). */
  apiKey?: string;
  /** Another fetch (a proxy agent's, a test's); the global one by default. */
  fetch?: typeof fetch;
  /** Retries of an answer 429 or 503 (and of network failures where repeating is safe); 4 by default. */
  retries?: number;
  /** The first backoff delay, doubled each retry with jitter; 250 ms by default. */
  retryDelayMs?: number;
  /** The longest the client waits before a retry; a `Retry-After` beyond it is thrown at once. 30 s by default. */
  maxRetryDelayMs?: number;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  /** A JSON body, or a raw one (with its content type in `headers`). */
  json?: unknown;
  body?: Body | null;
  headers?: Record<string, string>;
  /** Sent as `Idempotency-Key`; the same key on every retry. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export type UploadSource =
  Blob | ArrayBuffer | ArrayBufferView | string | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export interface UploadOptions {
  /** The body's media type; from the Blob's type or the file name's extension when left out. */
  contentType?: string;
  /** A file name to guess the media type from (`penguins.csv`). */
  fileName?: string;
  /** Makes the upload safe to repeat; one is generated when left out. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface WaitOptions {
  /** Called with the job whenever its status or progress changes. */
  onJob?: (job: TrainingJob) => void;
  /** Called once per finished epoch, in order. */
  onEpoch?: (epoch: EpochProgress) => void;
  /** `auto` follows the job's event stream where the service has one and polls otherwise. */
  mode?: 'auto' | 'poll';
  /** Polling interval; 1 s by default. */
  intervalMs?: number;
  signal?: AbortSignal;
}

export interface VersionRef {
  /** A version number; or */
  version?: number;
  /** an alias (`production`); neither: the alias `production`, else the newest version. */
  alias?: string;
}

/** What fetch accepts as a body. */
type Body = NonNullable<RequestInit['body']>;

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
const MEDIA_TYPES: Record<string, string> = {
  csv: 'text/csv',
  ndjson: 'application/x-ndjson',
  jsonl: 'application/x-ndjson',
  zip: 'application/zip',
};

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

const newKey = () => globalThis.crypto.randomUUID();
const segment = (value: string | number) => encodeURIComponent(String(value));

/**
 * A thin client over the maas HTTP API: typed with the types generated from openapi.yaml,
 * with what callers would otherwise write themselves (uploads, waiting for jobs, retries,
 * idempotency keys, problem errors). Uses fetch only, so it runs in Node 20+ and browsers.
 */
export class MaasClient {
  readonly baseUrl: string;
  readonly #options: Required<Pick<MaasClientOptions, 'retries' | 'retryDelayMs' | 'maxRetryDelayMs'>> &
    MaasClientOptions;

  constructor(options: MaasClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#options = { retries: 4, retryDelayMs: 250, maxRetryDelayMs: 30_000, ...options };
  }

  /** The raw answer of one request, after retries; throws ProblemError for 4xx/5xx. */
  async fetch(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const url = new URL(this.baseUrl + path);
    for (const [name, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...this.#options.headers,
      ...options.headers,
    };
    if (this.#options.apiKey) headers.authorization = `Bearer ${this.#options.apiKey}`;
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    let body = options.body ?? null;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    }
    // A stream is read once: it cannot be sent again.
    const replayable = !(body instanceof ReadableStream);
    // Network failures leave unknown whether the request was done: repeat only what is safe to.
    const safeToRepeat = method !== 'POST' || options.idempotencyKey !== undefined;
    const doFetch = this.#options.fetch ?? globalThis.fetch;
    for (let attempt = 0; ; attempt++) {
      const canRetry = replayable && attempt < this.#options.retries;
      const backoff = Math.min(
        this.#options.maxRetryDelayMs,
        this.#options.retryDelayMs * 2 ** attempt * (0.5 + Math.random() / 2),
      );
      let response: Response;
      try {
        response = await doFetch(url, {
          method,
          headers,
          body,
          signal: options.signal,
          ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
        } as RequestInit);
      } catch (error) {
        if (!canRetry || !safeToRepeat || options.signal?.aborted) throw error;
        await sleep(backoff, options.signal);
        continue;
      }
      if (response.ok) return response;
      const problem = await problemFrom(response);
      if (!canRetry || (response.status !== 429 && response.status !== 503)) throw problem;
      const delay = problem.retryAfterMs ?? backoff;
      if (delay > this.#options.maxRetryDelayMs) throw problem;
      await sleep(delay, options.signal);
    }
  }

  /** One request answered with JSON. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.fetch(method, path, options);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  /** Every item of a paginated list, page after page. */
  async *paginate<T>(path: string, query: RequestOptions['query'] = {}): AsyncGenerator<T> {
    let cursor: string | undefined;
    do {
      const page = await this.request<Page<T>>('GET', path, { query: { ...query, cursor } });
      yield* page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  // Datasets

  /**
   * Uploads a dataset (CSV, NDJSON, or a ZIP of images) as `name`, its next version when the
   * name exists. A Blob, bytes or a string are sent (and retried) whole; a stream is streamed.
   */
  async uploadDataset(name: string, source: UploadSource, options: UploadOptions = {}): Promise<Dataset> {
    const extension = (options.fileName ?? (source instanceof Blob && 'name' in source ? String(source.name) : ''))
      .split('.')
      .pop()
      ?.toLowerCase();
    const contentType =
      options.contentType ??
      (source instanceof Blob && source.type ? source.type : undefined) ??
      (extension ? MEDIA_TYPES[extension] : undefined);
    if (!contentType)
      throw new TypeError('uploadDataset: give a contentType (text/csv, application/x-ndjson, application/zip)');
    return this.request<Dataset>('POST', '/v1/datasets', {
      query: { name },
      body: bodyOf(source),
      headers: { 'content-type': contentType },
      idempotencyKey: options.idempotencyKey ?? newKey(),
      signal: options.signal,
    });
  }

  listDatasets(query: { limit?: number; cursor?: string } = {}): Promise<Page<Dataset>> {
    return this.request('GET', '/v1/datasets', { query });
  }

  getDataset(id: string): Promise<Dataset> {
    return this.request('GET', `/v1/datasets/${segment(id)}`);
  }

  deleteDataset(id: string): Promise<void> {
    return this.request('DELETE', `/v1/datasets/${segment(id)}`);
  }

  // Batch predictions

  /**
   * Scores every row of `source` (CSV or NDJSON, uploaded with the request) or of a stored
   * dataset (`{ datasetId }`) with a model on the workers; answers the queued batch at once.
   */
  batchPredict(
    model: string,
    source: UploadSource | { datasetId: string },
    options: BatchOptions & { contentType?: string; fileName?: string } = {},
  ): Promise<BatchPrediction> {
    const settings = {
      model,
      ...(options.version !== undefined && { version: options.version }),
      ...(options.alias !== undefined && { alias: options.alias }),
      outputFormat: options.outputFormat ?? 'csv',
    };
    const idempotencyKey = options.idempotencyKey ?? newKey();
    if (typeof source === 'object' && source !== null && 'datasetId' in source)
      return this.request('POST', '/v1/batch-predictions', {
        json: { ...settings, datasetId: source.datasetId, passthrough: options.passthrough ?? [] },
        idempotencyKey,
        signal: options.signal,
      });
    const extension = options.fileName?.split('.').pop()?.toLowerCase();
    const contentType = options.contentType ?? (extension ? MEDIA_TYPES[extension] : undefined);
    if (!contentType) throw new TypeError('batchPredict: give a contentType (text/csv or application/x-ndjson)');
    return this.request('POST', '/v1/batch-predictions/upload', {
      query: { ...settings, passthrough: options.passthrough?.join(',') },
      body: bodyOf(source),
      headers: { 'content-type': contentType },
      idempotencyKey,
      signal: options.signal,
    });
  }

  getBatchPrediction(id: string): Promise<BatchPrediction> {
    return this.request('GET', `/v1/batch-predictions/${segment(id)}`);
  }

  /** Polls a batch prediction until it has succeeded, failed or been cancelled. */
  waitForBatch(id: string, options: PollOptions<BatchPrediction> = {}): Promise<BatchPrediction> {
    return this.#poll(() => this.getBatchPrediction(id), options);
  }

  /** The scored rows (or, with `errors`, the rows that could not be scored), as a stream of bytes. */
  async batchOutput(id: string, which: 'output' | 'errors' = 'output'): Promise<ReadableStream<Uint8Array>> {
    const response = await this.fetch('GET', `/v1/batch-predictions/${segment(id)}/${which}`);
    return response.body ?? new ReadableStream({ start: (controller) => controller.close() });
  }

  // Tuning

  /** Queues a hyperparameter search (202); its trials run across the worker pool. */
  tune(request: TuningJobRequest, options: { idempotencyKey?: string; signal?: AbortSignal } = {}): Promise<TuningJob> {
    return this.request('POST', '/v1/tuning-jobs', {
      json: request,
      idempotencyKey: options.idempotencyKey ?? newKey(),
      signal: options.signal,
    });
  }

  getTuningJob(id: string): Promise<TuningJob> {
    return this.request('GET', `/v1/tuning-jobs/${segment(id)}`);
  }

  /** Polls a tuning job until its search has ended. */
  waitForTuning(id: string, options: PollOptions<TuningJob> = {}): Promise<TuningJob> {
    return this.#poll(() => this.getTuningJob(id), options);
  }

  async #poll<T extends { status: string }>(read: () => Promise<T>, options: PollOptions<T>): Promise<T> {
    for (;;) {
      const job = await read();
      options.onPoll?.(job);
      if (TERMINAL.has(job.status)) return job;
      await sleep(options.pollIntervalMs ?? 1_000, options.signal);
    }
  }

  // Training

  /** Queues a training job (202); safe to retry: it carries an idempotency key (one is generated when left out). */
  train(
    request: TrainingJobRequest,
    options: { idempotencyKey?: string; signal?: AbortSignal } = {},
  ): Promise<TrainingJob> {
    return this.request('POST', '/v1/training-jobs', {
      json: request,
      idempotencyKey: options.idempotencyKey ?? newKey(),
      signal: options.signal,
    });
  }

  getTrainingJob(id: string, options: { signal?: AbortSignal } = {}): Promise<TrainingJob> {
    return this.request('GET', `/v1/training-jobs/${segment(id)}`, options);
  }

  listTrainingJobs(query: { limit?: number; cursor?: string; status?: string; modelName?: string } = {}) {
    return this.request<Page<TrainingJobSummary>>('GET', '/v1/training-jobs', { query });
  }

  cancelTrainingJob(id: string): Promise<TrainingJob> {
    return this.request('POST', `/v1/training-jobs/${segment(id)}/cancel`);
  }

  /**
   * Waits until the job has succeeded, failed or been cancelled, and returns it as it ended.
   * Follows GET /v1/training-jobs/{id}/events where the service answers it with an event
   * stream, and polls the job otherwise (or when the stream breaks off).
   */
  async waitForJob(id: string, options: WaitOptions = {}): Promise<TrainingJob> {
    const seen = { epochs: 0, signature: '' };
    const report = (job: TrainingJob) => {
      const signature = `${job.status}:${job.progress.epochs.length}`;
      if (signature !== seen.signature) {
        seen.signature = signature;
        options.onJob?.(job);
      }
      const epochs = job.progress.epochs as EpochProgress[];
      for (const epoch of epochs.slice(seen.epochs)) options.onEpoch?.(epoch);
      seen.epochs = Math.max(seen.epochs, epochs.length);
    };
    if ((options.mode ?? 'auto') === 'auto') {
      const ended = await this.#followEvents(id, report, seen, options).catch((error: unknown) => {
        if (options.signal?.aborted) throw error;
        // A problem answer about the job itself (404, 401) is the caller's; anything else falls back to polling.
        if (error instanceof ProblemError && error.status !== 404 && error.status < 500) throw error;
        return undefined;
      });
      if (ended) return ended;
    }
    for (;;) {
      const job = await this.getTrainingJob(id, { signal: options.signal });
      report(job);
      if (TERMINAL.has(job.status)) return job;
      await sleep(options.intervalMs ?? 1000, options.signal);
    }
  }

  /** The job's event stream to its end; undefined when the service has none (then the caller polls). */
  async #followEvents(
    id: string,
    report: (job: TrainingJob) => void,
    seen: { epochs: number },
    options: WaitOptions,
  ): Promise<TrainingJob | undefined> {
    const response = await this.fetch('GET', `/v1/training-jobs/${segment(id)}/events`, {
      headers: { accept: 'text/event-stream' },
      signal: options.signal,
    });
    if (
      response.status !== 200 ||
      !response.headers.get('content-type')?.startsWith('text/event-stream') ||
      !response.body
    ) {
      await response.body?.cancel();
      return undefined;
    }
    for await (const event of readEvents(response.body)) {
      const data = JSON.parse(event.data) as unknown;
      if (event.event === 'epoch') {
        const epoch = data as EpochProgress;
        if (epoch.epoch > seen.epochs) {
          options.onEpoch?.(epoch);
          seen.epochs = epoch.epoch;
        }
      } else if (event.event === 'status' || event.event === 'end') {
        report(data as TrainingJob);
        if (event.event === 'end' || TERMINAL.has((data as TrainingJob).status)) return data as TrainingJob;
      }
    }
    return undefined;
  }

  // Registry

  listModels(query: { limit?: number; cursor?: string } = {}): Promise<Page<Model>> {
    return this.request('GET', '/v1/models', { query });
  }

  getModel(name: string): Promise<Model> {
    return this.request('GET', `/v1/models/${segment(name)}`);
  }

  listVersions(name: string, query: { limit?: number; cursor?: string } = {}): Promise<Page<ModelVersionSummary>> {
    return this.request('GET', `/v1/models/${segment(name)}/versions`, { query });
  }

  getVersion(name: string, version: number): Promise<ModelVersion> {
    return this.request('GET', `/v1/models/${segment(name)}/versions/${segment(version)}`);
  }

  /** Points `alias` at `version` (e.g. promotes a version to `production`). */
  setAlias(name: string, alias: string, version: number): Promise<AliasMove> {
    return this.request('PUT', `/v1/models/${segment(name)}/aliases/${segment(alias)}`, { json: { version } });
  }

  // Predictions

  /** Predictions from a version, an alias, or the model's default (alias `production`, else the newest). */
  predict(name: string, instances: Instance[], ref: VersionRef = {}, options: { signal?: AbortSignal } = {}) {
    return this.request<PredictResponse>('POST', `${versionPath(name, ref)}:predict`, {
      json: { instances },
      signal: options.signal,
    });
  }

  /** What each input contributed to each prediction (contracts.md: POST ...:explain). */
  explain(
    name: string,
    instances: Instance[],
    ref: VersionRef = {},
    options: { explanation?: ExplainOptions; signal?: AbortSignal } = {},
  ): Promise<ExplainResponse> {
    return this.request('POST', `${versionPath(name, ref)}:explain`, {
      json: { instances, ...(options.explanation ? { explanation: options.explanation } : {}) },
      signal: options.signal,
    });
  }
}

function versionPath(name: string, ref: VersionRef): string {
  if (ref.version !== undefined && ref.alias !== undefined) throw new TypeError('give a version or an alias, not both');
  const model = `/v1/models/${segment(name)}`;
  if (ref.version !== undefined) return `${model}/versions/${segment(ref.version)}`;
  if (ref.alias !== undefined) return `${model}/labels/${segment(ref.alias)}`;
  return model;
}

/** What fetch sends: a Blob, bytes or a string as they are (retried whole), anything else streamed. */
function bodyOf(source: UploadSource): Body {
  return typeof source === 'string' ||
    source instanceof Blob ||
    source instanceof ArrayBuffer ||
    ArrayBuffer.isView(source) ||
    source instanceof ReadableStream
    ? (source as Body)
    : toStream(source);
}

function toStream(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel(reason) {
      await iterator.return?.(reason);
    },
  });
}
