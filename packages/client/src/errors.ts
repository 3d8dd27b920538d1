/** RFC 9457 problem details as the service answers them (`application/problem+json`). */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  /** The service's stable error code, e.g. `validation_failed`, `not_found`, `quota_exceeded`. */
  code: string;
  instance?: string;
  requestId?: string;
  issues?: { path: string; message: string }[];
  [member: string]: unknown;
}

/**
 * An answer of 4xx or 5xx. `code` is the service's stable error code (from the problem body;
 * `http_<status>` when the body was not a problem), so callers branch on it rather than on text.
 */
export class ProblemError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem;
  /** The answer's `Retry-After`, in milliseconds, when it had one. */
  readonly retryAfterMs: number | undefined;

  constructor(problem: Problem, retryAfterMs?: number) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.name = 'ProblemError';
    this.status = problem.status;
    this.code = problem.code;
    this.problem = problem;
    this.retryAfterMs = retryAfterMs;
  }

  get requestId(): string | undefined {
    return this.problem.requestId;
  }

  get issues(): { path: string; message: string }[] {
    return this.problem.issues ?? [];
  }
}

/** Reads an error answer into a ProblemError, whatever its body. */
export async function problemFrom(response: Response): Promise<ProblemError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const retryAfterMs = retryAfter(response.headers.get('retry-after'));
  const record = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const detail =
    typeof record.detail === 'string'
      ? record.detail
      : typeof record.error === 'string' // TF Serving and Open Inference answers carry `error`
        ? record.error
        : text.slice(0, 500) || response.statusText;
  return new ProblemError(
    {
      ...record,
      status: response.status,
      code: typeof record.code === 'string' ? record.code : `http_${response.status}`,
      detail,
      requestId:
        typeof record.requestId === 'string' ? record.requestId : (response.headers.get('x-request-id') ?? undefined),
    },
    retryAfterMs,
  );
}

/** `Retry-After` as milliseconds: delay-seconds or an HTTP date. */
export function retryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
