/**
 * The catalog of errors the service answers with. Each has a stable `code` (part of the
 * API contract, used as the problem+json `type` suffix) and an HTTP status. Domain code
 * throws these; the API's error handler turns them into RFC 9457 problem+json.
 */
export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `instances.3.age` or `body.model.epochs`. */
  path: string;
  message: string;
}

export class DomainError extends Error {
  readonly code: string;
  readonly status: number;
  readonly issues?: FieldIssue[];
  /** Extra members copied into the problem body (e.g. `line` for CSV errors). */
  readonly extra?: Record<string, unknown>;

  constructor(code: string, status: number, detail: string, opts: { issues?: FieldIssue[]; extra?: Record<string, unknown>; cause?: unknown } = {}) {
    super(detail, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.issues = opts.issues;
    this.extra = opts.extra;
  }
}

export class ValidationError extends DomainError {
  constructor(detail: string, issues: FieldIssue[] = [], extra?: Record<string, unknown>) {
    super('validation_failed', 400, detail, { issues, extra });
  }
}

/** The request is well-formed but cannot be carried out on this data (e.g. a target with one class). */
export class UnprocessableError extends DomainError {
  constructor(code: string, detail: string, issues?: FieldIssue[]) {
    super(code, 422, detail, { issues });
  }
}

export class InvalidDatasetError extends DomainError {
  constructor(detail: string, extra?: Record<string, unknown>) {
    super('invalid_dataset', 400, detail, { extra });
  }
}

export class UnsupportedMediaTypeError extends DomainError {
  constructor(detail: string) {
    super('unsupported_media_type', 415, detail);
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(limitBytes: number) {
    super('payload_too_large', 413, `The body exceeds the limit of ${limitBytes} bytes.`, { extra: { limitBytes } });
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super('not_found', 404, `${what} '${id}' was not found.`);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, detail: string) {
    super(code, 409, detail);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(detail = 'A valid API key or admin token is required in the Authorization header.') {
    super('unauthorized', 401, detail);
  }
}

export class ForbiddenError extends DomainError {
  constructor(detail: string) {
    super('forbidden', 403, detail);
  }
}

export class ServiceUnavailableError extends DomainError {
  constructor(code: string, detail: string, readonly retryAfterSeconds?: number) {
    super(code, 503, detail);
  }
}
