import { z } from 'zod';
import { databaseIdentity } from './database-identity.ts';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
/** A base64 (or base64url) master key of exactly 32 bytes: AES-256. */
const masterKeyPattern = /^[A-Za-z0-9+/_-]+={0,2}$/;
const isMasterKey = (text: string) => {
  const trimmed = text.trim();
  if (!masterKeyPattern.test(trimmed)) return false;
  return Buffer.from(trimmed, /[-_]/.test(trimmed) ? 'base64url' : 'base64').length === 32;
};
const masterKeyMessage = 'must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)';

const nonNegativeInt = z.coerce.number().int().min(0);
/** A quota's default for projects the operator set no value for: 0 (or unset) means unlimited. */
const quota = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0);
const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
  );

/**
 * Every setting the service reads from its environment. Parsed once at start-up
 * (`loadConfig`); nothing else reads `process.env`.
 */
const settingsSchema = z.object({
  DATABASE_URL: url(['postgresql:', 'postgres:']).default('postgresql://postgres@127.0.0.1:5432/maas'),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  /**
   * Prefix for every Redis key (queues), so several deployments or test runs can share one Redis.
   * Unset, it is `maas:` and a hash of the database's host, port and name (see configSchema).
   */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]+$/, 'letters, digits, : _ - only')
    .optional(),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: port.default(8080),
  ARTIFACT_DIR: z.string().min(1).default('./data'),
  /**
   * Where datasets and models live: unset for ARTIFACT_DIR, or `s3://bucket/prefix` for an
   * S3-compatible bucket (credentials and region from the usual AWS variables).
   */
  ARTIFACT_STORE: z
    .string()
    .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, 'an s3://bucket[/prefix] URL')
    .optional(),
  /** The S3 endpoint for MinIO, R2, Ceph and the like; unset for AWS's own. */
  S3_ENDPOINT: z.url().optional(),
  /** Path-style requests (endpoint/bucket/key), which MinIO and most S3-compatible servers need. */
  S3_FORCE_PATH_STYLE: z.stringbool().default(false),
  /** The bucket's region; S3-compatible servers mostly ignore it. */
  AWS_REGION: z.string().min(1).default('us-east-1'),
  TF_BACKEND: z.enum(['auto', 'webgpu', 'tensorflow', 'wasm', 'cpu']).default('auto'),
  WORKER_CONCURRENCY: positiveInt.max(64).default(1),
  /**
   * Memory budget of each training process, in MB: its V8 heap is capped at two fifths of it, and a
   * table that would not fit comfortably in it is streamed from the store in batches.
   * Unset: V8's default heap limit decides.
   */
  WORKER_MEMORY_MB: positiveInt.min(128).optional(),
  /** Tabular training data: `auto` streams tables too large for WORKER_MEMORY_MB; `always`/`never` force it. */
  TRAINING_STREAMING: z.enum(['auto', 'always', 'never']).default('auto'),
  MAAS_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  MAX_UPLOAD_BYTES: positiveInt.default(1024 ** 3),
  /** Bytes of all files of one model import together (model.json and shards, or model.onnx). */
  MAX_MODEL_UPLOAD_BYTES: positiveInt.default(100 * 1024 ** 2),
  /** Bytes a compressed (gzip, deflate) V2 inference body may inflate to. */
  MAX_INFLATED_BODY_BYTES: positiveInt.default(64 * 1024 ** 2),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Caps on training requests, so nobody can ask for a million epochs. */
  MAX_EPOCHS: positiveInt.default(500),
  MAX_BATCH_SIZE: positiveInt.default(4096),
  MAX_HIDDEN_UNITS: positiveInt.default(1024),
  MAX_PREDICT_INSTANCES: positiveInt.default(10_000),
  /**
   * Pixels one image may declare (width x height, read from its header before decoding), in
   * prediction requests and image datasets alike. Decoding costs about 40 bytes per pixel
   * before the image is brought to the model's (usually small) input size; 2048x2048 covers
   * screenshots and downscaled photos.
   */
  MAX_IMAGE_PIXELS: positiveInt.default(2048 * 2048),
  /** Pixels all the images of one prediction request may declare together (decoding time is proportional). */
  MAX_REQUEST_IMAGE_PIXELS: positiveInt.default(8 * 2048 * 2048),
  MODEL_CACHE_SIZE: positiveInt.default(32),
  /** Megabytes of loaded model weights kept per API process (least recently used evicted first); unset: no bound. */
  MODEL_CACHE_MB: positiveInt.optional(),
  /**
   * Megabytes of model artifact files an API process keeps on its local disk (under ARTIFACT_DIR)
   * when the store is a bucket, so a model evicted from memory reloads without a download; 0: none.
   */
  ARTIFACT_CACHE_MB: nonNegativeInt.default(1024),
  /**
   * How long an API process trusts a cached alias or default-version resolution without a
   * route-change notice (a safety net for lost notices); 0 reads PostgreSQL on every request.
   */
  ROUTE_CACHE_TTL_MS: nonNegativeInt.default(60_000),
  PREDICT_BATCH_MAX_SIZE: positiveInt.default(256),
  /** 0 disables micro-batching. */
  PREDICT_BATCH_MAX_WAIT_MS: z.coerce.number().min(0).max(1000).default(2),
  PREDICT_MAX_QUEUE: positiveInt.default(10_000),
  JOB_MAX_DURATION_MS: positiveInt.default(6 * 3600_000),
  CHECKPOINT_EVERY_EPOCHS: positiveInt.default(5),
  CHECKPOINT_EVERY_MS: positiveInt.default(60_000),
  IDEMPOTENCY_TTL_SECONDS: positiveInt.default(24 * 3600),
  /** Audit events older than this many days are swept by the worker's maintenance round. */
  AUDIT_RETENTION_DAYS: positiveInt.default(400),
  /**
   * Envelope encryption of every stored dataset, model artifact and checkpoint. Turning it off
   * only stops encrypting new files: encrypted ones still read (with the master keys below).
   */
  ENCRYPTION_AT_REST: z.stringbool().default(true),
  /** The master key wrapping the projects' data keys; else MAAS_MASTER_KEY_FILE; else generated in ARTIFACT_DIR. */
  MAAS_MASTER_KEY: z.string().refine(isMasterKey, masterKeyMessage).optional(),
  /** A file holding the master key in base64 (a mounted secret). */
  MAAS_MASTER_KEY_FILE: z.string().min(1).optional(),
  /** Comma-separated former master keys: they only unwrap, during and after a rotation. */
  MAAS_PREVIOUS_MASTER_KEYS: z
    .string()
    .refine((list) => list.split(',').every((key) => key.trim() === '' || isMasterKey(key)), masterKeyMessage)
    .optional(),
  /**
   * Rate limits, counted in Redis so they hold across replicas, per window of this many seconds.
   * The defaults are far above what one tenant's normal use (or the test suite) sends; 0 = no limit.
   */
  RATE_LIMIT_WINDOW_SECONDS: positiveInt.max(24 * 3600).default(60),
  /** Requests per window for all API keys of a project together. */
  RATE_LIMIT_PER_PROJECT: nonNegativeInt.default(600_000),
  /** Requests per window for one API key; only checked (one more Redis call) when below the project's. */
  RATE_LIMIT_PER_KEY: nonNegativeInt.default(600_000),
  /** Failed authentications per window from one client address before it gets 429 without any key lookup. */
  AUTH_FAILURES_PER_WINDOW: nonNegativeInt.default(100),
  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`; otherwise it is public. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /**
   * Per-project quotas: the defaults for every project, which the operator can override per
   * project (PUT /v1/admin/projects/{id}/quotas). 0 or unset means unlimited.
   */
  QUOTA_STORED_BYTES: quota,
  QUOTA_DATASETS: quota,
  QUOTA_MODELS: quota,
  QUOTA_VERSIONS: quota,
  /** Training jobs of one project running at once; the project's further jobs wait their turn. */
  QUOTA_CONCURRENT_JOBS: quota,
  /** Minutes of training per project per UTC day, running jobs included. */
  QUOTA_TRAINING_MINUTES_PER_DAY: quota,
  QUOTA_PREDICTIONS_PER_MINUTE: quota,
  /** Open job event streams (GET /v1/training-jobs/{id}/events) per project, and in all, on one API process. */
  EVENT_STREAMS_PER_PROJECT: positiveInt.default(20),
  EVENT_STREAMS_PER_PROCESS: positiveInt.default(2000),
  /** How often an event stream sends a `: ping` comment (keeps proxies from closing it) and re-reads the job. */
  EVENT_HEARTBEAT_MS: positiveInt.min(100).default(15_000),
  /**
   * Bounds on `:explain`, so one request cannot run for minutes: instances per request, Shapley
   * samples (model evaluations are samples x (columns + 1)), integrated-gradient steps or
   * SmoothGrad samples (gradient passes), and background rows used of those stored with a version.
   */
  EXPLAIN_MAX_INSTANCES: positiveInt.max(1000).default(16),
  EXPLAIN_DEFAULT_SAMPLES: positiveInt.default(64),
  EXPLAIN_MAX_SAMPLES: positiveInt.max(100_000).default(512),
  EXPLAIN_DEFAULT_STEPS: positiveInt.default(64),
  EXPLAIN_MAX_STEPS: positiveInt.max(10_000).default(256),
  EXPLAIN_MAX_BACKGROUND: positiveInt.default(100),
  /** Seeds the random assignment of unkeyed requests to a split alias's versions (tests); unset: unseeded. */
  TRAFFIC_SPLIT_SEED: z.coerce.number().int().min(0).optional(),
  /** Shadow requests waiting to run; past this they are dropped (counted), never delaying answers. */
  SHADOW_QUEUE_MAX: positiveInt.default(1_000),
  /** How often logged predictions and live traffic are written, in batches, to the store and database. */
  PREDICTION_LOG_FLUSH_MS: positiveInt.default(1_000),
  /** Logged instances held between flushes; past this they are dropped (counted). */
  PREDICTION_LOG_MAX_BUFFER: positiveInt.default(100_000),
  /** Caps on tuning jobs (src/tuning): trials per job, trials running at once, and minutes per job. */
  TUNING_MAX_TRIALS: positiveInt.max(1000).default(100),
  TUNING_MAX_PARALLEL_TRIALS: positiveInt.max(64).default(8),
  TUNING_MAX_MINUTES: positiveInt.default(360),
  /** The longest time budget a `model.type: "auto"` search may ask for (`model.budgetSeconds`, default 180 or this if lower). */
  AUTOML_MAX_BUDGET_SECONDS: positiveInt.min(5).default(1800),
  /**
   * Batch predictions: input rows per output part. A part is the unit of progress: a crashed
   * run resumes at the first part not yet recorded, and memory is bounded by one part's rows.
   */
  BATCH_PART_ROWS: positiveInt.max(1_000_000).default(20_000),
  /**
   * Batch predictions: whether a job formats its CSV or NDJSON output (tabular model, CSV input)
   * on a worker thread of its own while its main thread reads and scores the next part.
   */
  BATCH_OUTPUT_THREAD: z.stringbool().default(true),
  /** Batch prediction jobs one worker process runs at once (each in a child process of its own). */
  BATCH_CONCURRENCY: positiveInt.max(64).default(1),
  /** How long one webhook delivery attempt may take, connection included, before it counts as failed. */
  WEBHOOK_TIMEOUT_MS: positiveInt.max(60_000).default(5_000),
  /** The first retry's delay; each later retry waits twice as long as the one before. */
  WEBHOOK_RETRY_BASE_MS: positiveInt.default(10_000),
  /** How long after the event a delivery is retried at most; then it is given up as failed. */
  WEBHOOK_RETRY_WINDOW_MS: positiveInt.default(24 * 3600_000),
  /** Webhook deliveries sent at once by one worker process. */
  WEBHOOK_CONCURRENCY: positiveInt.max(256).default(16),
  /**
   * Addresses (IPs or CIDR ranges, comma-separated) webhooks may reach although they are
   * loopback, link-local or private; by default none: a webhook URL cannot reach the
   * service's own network (SSRF). E.g. `127.0.0.1` for a local test receiver.
   */
  WEBHOOK_ALLOWED_ADDRESSES: z.string().default(''),
  /**
   * Addresses (IPs or CIDR ranges, comma-separated) dataset imports by URL may reach although
   * they are loopback, link-local or private (as WEBHOOK_ALLOWED_ADDRESSES for webhooks).
   */
  IMPORT_ALLOWED_ADDRESSES: z.string().default(''),
  /**
   * Buckets (comma-separated) datasets may be imported from as `s3://bucket/key`, read with
   * the service's own S3 endpoint and credentials; by default none.
   */
  IMPORT_S3_BUCKETS: z
    .string()
    .regex(
      /^\s*([a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\s*(,\s*[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\s*)*)?$/,
      'bucket names, comma-separated',
    )
    .default(''),
});

/**
 * The settings with the defaults that depend on others: deployments with databases of their
 * own never share a queue by default (a worker would take the other's jobs).
 */
export const configSchema = settingsSchema.transform((settings) => ({
  ...settings,
  REDIS_PREFIX: settings.REDIS_PREFIX ?? `maas:${databaseIdentity(settings.DATABASE_URL)}`,
}));

export type Config = z.infer<typeof configSchema>;

/** Every variable the service reads (deployment files are checked against it). */
export const SETTING_NAMES: readonly string[] = Object.keys(settingsSchema.shape);

/** A configuration problem, reported as one line naming the variable. */
export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "unset", as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`Invalid configuration: ${name} ${issue.message} (got ${JSON.stringify(env[name] ?? null)})`);
  }
  return parsed.data;
}
