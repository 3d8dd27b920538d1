import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
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
export const configSchema = z.object({
  DATABASE_URL: url(['postgresql:', 'postgres:']).default('postgresql://postgres@127.0.0.1:5432/maas'),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  /** Prefix for every Redis key (queues), so several deployments or test runs can share one Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]+$/, 'letters, digits, : _ - only')
    .default('maas'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: port.default(8080),
  ARTIFACT_DIR: z.string().min(1).default('./data'),
  TF_BACKEND: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'),
  WORKER_CONCURRENCY: positiveInt.max(64).default(1),
  MAAS_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  MAX_UPLOAD_BYTES: positiveInt.default(1024 ** 3),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Caps on training requests, so nobody can ask for a million epochs. */
  MAX_EPOCHS: positiveInt.default(500),
  MAX_BATCH_SIZE: positiveInt.default(4096),
  MAX_HIDDEN_UNITS: positiveInt.default(1024),
  MAX_PREDICT_INSTANCES: positiveInt.default(10_000),
  MODEL_CACHE_SIZE: positiveInt.default(32),
  PREDICT_BATCH_MAX_SIZE: positiveInt.default(256),
  /** 0 disables micro-batching. */
  PREDICT_BATCH_MAX_WAIT_MS: z.coerce.number().min(0).max(1000).default(2),
  PREDICT_MAX_QUEUE: positiveInt.default(10_000),
  JOB_MAX_DURATION_MS: positiveInt.default(6 * 3600_000),
  CHECKPOINT_EVERY_EPOCHS: positiveInt.default(5),
  CHECKPOINT_EVERY_MS: positiveInt.default(60_000),
  IDEMPOTENCY_TTL_SECONDS: positiveInt.default(24 * 3600),
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
});

export type Config = z.infer<typeof configSchema>;

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
