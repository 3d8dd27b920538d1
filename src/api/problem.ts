import { ERROR_CODES, type ErrorCode, type FieldIssue } from '../errors.ts';

/** An RFC 9457 problem document as this service writes it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  requestId?: string;
  issues?: FieldIssue[];
  [extra: string]: unknown;
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problemType(code: ErrorCode): string {
  return `urn:maas:problem:${code}`;
}

/**
 * A problem answering `code`, with the catalogue's status unless `status` overrides it
 * (fastify's own errors keep theirs).
 */
export function makeProblem(
  code: ErrorCode,
  detail: string,
  extra: Partial<Problem> = {},
  status: number = ERROR_CODES[code],
): Problem {
  return { type: problemType(code), title: titles[status] ?? 'Error', status, detail, code, ...extra };
}
