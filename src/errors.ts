/**
 * The catalogue of errors the service answers with, declared once: each problem code (part of
 * the API contract, used as the problem+json `type` suffix) with its HTTP status. Domain code
 * throws the classes below; the API's error handler turns them into RFC 9457 problem+json.
 * A code not declared here, or thrown with a class of another status, fails the typecheck.
 */
export const ERROR_CODES = {
  // 400: the request itself is malformed (fastify's own 4xx client errors answer `bad_request` with their status).
  validation_failed: 400,
  invalid_dataset: 400,
  upload_aborted: 400,
  bad_request: 400,
  invalid_cursor: 400,
  // An imported model's files are malformed or inconsistent (model.json vs its weight shards, an unreadable ONNX file).
  invalid_model_artifact: 400,
  // 401 and 403: no valid credentials, or credentials without the right.
  unauthorized: 401,
  forbidden: 403,
  // A project quota (stored bytes, datasets, models, versions) is used up; quotas over time
  // (training minutes per day, predictions per minute) answer the same code with 429.
  quota_exceeded: 403,
  // 404: no such resource (of the caller's project), or no such route.
  not_found: 404,
  route_not_found: 404,
  // 409: the resource's state forbids the change now.
  dataset_in_use: 409,
  batch_output_not_ready: 409,
  nothing_to_roll_back: 409,
  idempotency_request_in_progress: 409,
  version_aliased: 409,
  model_training_in_progress: 409,
  api_key_inactive: 409,
  // The version stores nothing to explain against (trained before explanations' background sample was kept).
  explanation_unavailable: 409,
  // Monitoring or feedback on a model whose predictions are not logged.
  prediction_logging_off: 409,
  // 413 and 415: a body too large, or of a media type the route does not read.
  payload_too_large: 413,
  archive_limit_exceeded: 413,
  // An image whose header declares more pixels than one image may have, or a request whose images sum past the cap.
  image_too_large: 413,
  request_images_too_large: 413,
  unsupported_media_type: 415,
  // 422: well-formed, but cannot be carried out on this data (refused at submission or in the worker).
  unknown_dataset: 422,
  unknown_target: 422,
  unknown_features: 422,
  target_in_features: 422,
  unsupported_target: 422,
  target_not_numeric: 422,
  target_all_missing: 422,
  single_class_target: 422,
  too_many_classes: 422,
  too_few_classes: 422,
  too_few_rows: 422,
  no_usable_features: 422,
  column_not_scalable: 422,
  training_diverged: 422,
  no_images: 422,
  invalid_outputs: 422,
  architecture_incompatible: 422,
  model_task_mismatch: 422,
  // The model's output for an instance is NaN or infinite: a prediction that cannot be given.
  non_finite_prediction: 422,
  model_task_conflict: 422,
  // The versions behind one alias (split and shadow) must share the task and input schema.
  alias_versions_incompatible: 422,
  // Drift monitoring reads tabular features; this version takes no such input.
  monitoring_unsupported: 422,
  // An imported model's graph does not read or write what its declared input schema and labels say.
  model_signature_mismatch: 422,
  early_stopping_without_validation: 422,
  // Forecasting: a time or series column that cannot serve, and series that cannot be windowed in time.
  invalid_series_spec: 422,
  duplicate_timestamps: 422,
  irregular_series: 422,
  idempotency_key_reused: 422,
  // An explanation method the version's kind of model cannot use (e.g. Shapley on an image model).
  explanation_method_unsupported: 422,
  // Batch predictions and webhooks: a model batch scoring cannot serve, columns the input lacks,
  // and a webhook URL that points at an address the service may not call.
  batch_unsupported_model: 422,
  unknown_passthrough_columns: 422,
  webhook_url_refused: 422,
  // A dataset import URL the service may not fetch (a blocked address, a bucket not allowed),
  // and one it could not fetch (the source answered an error, or could not be reached).
  import_url_refused: 422,
  import_source_failed: 422,
  // 429: too many requests from this project, key or client address in the current window.
  rate_limited: 429,
  // Open job event streams (GET /v1/training-jobs/{id}/events) are bounded per project and per instance.
  too_many_event_streams: 429,
  // 500: the service is at fault.
  internal_error: 500,
  artifact_integrity_failed: 500,
  encryption_key_unavailable: 500,
  // 503: the service cannot answer now; retry (with `retry-after`).
  shutting_down: 503,
  overloaded: 503,
  queue_unavailable: 503,
  dependency_unavailable: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_CODES;
/** The one status a code answers besides its catalogue's: `quota_exceeded` for a quota over time (see QuotaExceededError). */
export const QUOTA_RATE_STATUS = 429;
export type ErrorStatus = (typeof ERROR_CODES)[ErrorCode] | typeof QUOTA_RATE_STATUS;
/** The codes answered with `status`. */
export type CodeOf<S extends ErrorStatus> = {
  [C in ErrorCode]: (typeof ERROR_CODES)[C] extends S ? C : never;
}[ErrorCode];

/** Codes only the problem handler answers (for fastify's errors, unknown routes and crashes): never thrown. */
export const HANDLER_CODES = [
  'bad_request',
  'route_not_found',
  'internal_error',
  'dependency_unavailable',
] as const satisfies readonly ErrorCode[];
/** The codes a `DomainError` can carry, and those of them answered with `status`. */
export type DomainErrorCode = Exclude<ErrorCode, (typeof HANDLER_CODES)[number]>;
export type DomainCodeOf<S extends ErrorStatus> = Extract<CodeOf<S>, DomainErrorCode>;

/** Failures only a training job's row records (never a problem answer), besides the domain error that ended it. */
export const JOB_ONLY_FAILURE_CODES = [
  'attempt_failed',
  'attempts_exhausted',
  'dataset_deleted',
  'timed_out',
  'training_failed',
  // A tuning trial stopped at a rung because it trailed the others (src/tuning/asha.ts).
  'trial_stopped',
  // An `auto` model search whose budget ran out before any trial finished (src/tuning/automl.ts).
  'no_trial_completed',
  'input_unreadable',
  'batch_failed',
] as const;
/** What a training job row's `error.code` may hold. */
export type JobFailureCode = DomainErrorCode | (typeof JOB_ONLY_FAILURE_CODES)[number];
/** A training job row's `error`: the code, a message, and the attempt(s) it concerns. */
export type JobFailure = { code: JobFailureCode; message: string; attempt?: number; attempts?: number };

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `instances.3.age` or `body.model.epochs`. */
  path: string;
  message: string;
}

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  /** The catalogue's status for `code`. */
  readonly status: ErrorStatus;
  readonly issues?: FieldIssue[];
  /** Extra members copied into the problem body (e.g. `line` for CSV errors). */
  readonly extra?: Record<string, unknown>;

  constructor(
    code: DomainErrorCode,
    detail: string,
    opts: { issues?: FieldIssue[]; extra?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(detail, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = ERROR_CODES[code];
    this.issues = opts.issues;
    this.extra = opts.extra;
  }
}

export class ValidationError extends DomainError {
  constructor(detail: string, issues: FieldIssue[] = [], extra?: Record<string, unknown>) {
    super('validation_failed', detail, { issues, extra });
  }
}

/** The request is well-formed but cannot be carried out on this data (e.g. a target with one class). */
export class UnprocessableError extends DomainError {
  declare readonly code: DomainCodeOf<422>;
  constructor(code: DomainCodeOf<422>, detail: string, issues?: FieldIssue[]) {
    super(code, detail, { issues });
  }
}

export class InvalidDatasetError extends DomainError {
  constructor(detail: string, extra?: Record<string, unknown>) {
    super('invalid_dataset', detail, { extra });
  }
}

/** An imported model's files are malformed or do not fit together (model.json and its shards, an ONNX file). */
export class InvalidModelArtifactError extends DomainError {
  constructor(detail: string, issues?: FieldIssue[]) {
    super('invalid_model_artifact', detail, { issues });
  }
}

export class UnsupportedMediaTypeError extends DomainError {
  constructor(detail: string) {
    super('unsupported_media_type', detail);
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(limitBytes: number) {
    super('payload_too_large', `The body exceeds the limit of ${limitBytes} bytes.`, { extra: { limitBytes } });
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super('not_found', `${what} '${id}' was not found.`);
  }
}

export class ConflictError extends DomainError {
  declare readonly code: DomainCodeOf<409>;
  constructor(code: DomainCodeOf<409>, detail: string) {
    super(code, detail);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(detail = 'A valid API key or admin token is required in the Authorization header.') {
    super('unauthorized', detail);
  }
}

export class ForbiddenError extends DomainError {
  constructor(detail: string) {
    super('forbidden', detail);
  }
}

/** A rate limit is spent; `retryAfterSeconds` says when its window frees up. */
export class RateLimitedError extends DomainError {
  constructor(
    detail: string,
    readonly retryAfterSeconds: number,
    limit: { limit: number; windowSeconds: number },
  ) {
    super('rate_limited', detail, { extra: { ...limit, retryAfterSeconds } });
  }
}

export class ServiceUnavailableError extends DomainError {
  declare readonly code: DomainCodeOf<503>;
  constructor(
    code: DomainCodeOf<503>,
    detail: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(code, detail);
  }
}

/** The quotas a project has (see src/quotas/quota-limits.ts). */
export type QuotaName =
  | 'storedBytes'
  | 'datasets'
  | 'models'
  | 'versions'
  | 'concurrentJobs'
  | 'trainingMinutesPerDay'
  | 'predictionsPerMinute';

/**
 * A project quota is used up. Counts and bytes answer 403 (nothing frees up by waiting);
 * quotas over time answer 429 with `resetsAt` (and `retry-after`), when the window turns.
 */
export class QuotaExceededError extends DomainError {
  declare readonly code: 'quota_exceeded';
  declare readonly status: 403 | typeof QUOTA_RATE_STATUS;
  readonly retryAfterSeconds?: number;

  constructor(quota: QuotaName, limit: number, usage: number, detail: string, resetsAt?: Date) {
    super('quota_exceeded', detail, {
      extra: { quota, limit, usage, ...(resetsAt ? { resetsAt: resetsAt.toISOString() } : {}) },
    });
    if (resetsAt) {
      (this as { status: number }).status = QUOTA_RATE_STATUS;
      this.retryAfterSeconds = Math.max(1, Math.ceil((resetsAt.getTime() - Date.now()) / 1000));
    }
  }
}
