import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { makeProblem } from './api/problem.ts';
import { toProblem } from './api/plugins/problem-handler.ts';
import { ArchiveLimitError } from './datasets/image-archive.ts';
import { UploadAbortedError } from './datasets/store-upload.ts';
import {
  ConflictError,
  ERROR_CODES,
  ForbiddenError,
  HANDLER_CODES,
  InvalidDatasetError,
  JOB_ONLY_FAILURE_CODES,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  QuotaExceededError,
  ServiceUnavailableError,
  UnauthorizedError,
  UnprocessableError,
  UnsupportedMediaTypeError,
  ValidationError,
  type DomainError,
  type ErrorCode,
} from './errors.ts';
import { ArtifactIntegrityError } from './registry/artifact-io.ts';

const codes = Object.keys(ERROR_CODES) as ErrorCode[];
const request = { url: '/v1/x', id: 'req-1' } as FastifyRequest;

describe('the error catalogue', () => {
  it('gives every class with a fixed code the status the API has always answered', () => {
    // The statuses are the contract (and openapi.yaml's): moving a code to another status fails here.
    const answered: [DomainError, number][] = [
      [new ValidationError('x'), 400],
      [new InvalidDatasetError('x'), 400],
      [new UploadAbortedError(), 400],
      [new UnauthorizedError(), 401],
      [new ForbiddenError('x'), 403],
      [new NotFoundError('Model', 'm'), 404],
      [new PayloadTooLargeError(1), 413],
      [new ArchiveLimitError('maxEntries', 1, 'x'), 413],
      [new UnsupportedMediaTypeError('x'), 415],
      [new RateLimitedError('x', 3, { limit: 1, windowSeconds: 60 }), 429],
      [new ArtifactIntegrityError('x'), 500],
    ];
    for (const [error, status] of answered) {
      expect([error.code, error.status]).toEqual([error.code, status]);
      expect(toProblem(error, request)).toMatchObject({
        status,
        code: error.code,
        type: `urn:maas:problem:${error.code}`,
      });
    }
  });

  it('answers a code-taking class with its own status for each code of that status', () => {
    const byStatus = (status: number) =>
      codes.filter((code) => ERROR_CODES[code] === status && !(HANDLER_CODES as readonly string[]).includes(code));
    expect(byStatus(422)).toContain('unknown_target');
    for (const code of byStatus(422))
      expect(toProblem(new UnprocessableError(code as never, 'x'), request).status).toBe(422);
    for (const code of byStatus(409))
      expect(toProblem(new ConflictError(code as never, 'x'), request).status).toBe(409);
    for (const code of byStatus(503))
      expect(toProblem(new ServiceUnavailableError(code as never, 'x'), request).status).toBe(503);
  });

  it('declares only client and server error statuses, each with a problem title', () => {
    for (const code of codes) {
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      const problem = makeProblem(code, 'x');
      expect(problem.status, code).toBe(ERROR_CODES[code]);
      expect(problem.status >= 400 && problem.status < 600, code).toBe(true);
      expect(problem.title, `no title for ${problem.status}`).not.toBe('Error');
    }
  });

  it('answers quota_exceeded with 403 for counts and 429 with resetsAt for quotas over time', () => {
    const count = toProblem(new QuotaExceededError('datasets', 2, 2, 'x'), request);
    expect(count).toMatchObject({ status: 403, code: 'quota_exceeded', quota: 'datasets', limit: 2, usage: 2 });
    expect(count).not.toHaveProperty('resetsAt');
    const resetsAt = new Date(Date.now() + 30_000);
    const rate = new QuotaExceededError('predictionsPerMinute', 5, 5, 'x', resetsAt);
    expect(toProblem(rate, request)).toMatchObject({
      status: 429,
      title: 'Too Many Requests',
      code: 'quota_exceeded',
      resetsAt: resetsAt.toISOString(),
    });
    expect(rate.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('keeps job-only failure codes apart from the problem codes', () => {
    for (const code of JOB_ONLY_FAILURE_CODES) expect(Object.hasOwn(ERROR_CODES, code), code).toBe(false);
  });

  it('lets a fastify error keep its own status under our code', () => {
    const multipart = Object.assign(new Error('the request is not multipart'), {
      code: 'FST_INVALID_MULTIPART_CONTENT_TYPE',
      statusCode: 406,
    });
    expect(toProblem(multipart, request)).toMatchObject({
      status: 406,
      code: 'unsupported_media_type',
      title: 'Not Acceptable',
    });
    const other = Object.assign(new Error('Method Not Allowed'), { statusCode: 405 });
    expect(toProblem(other, request)).toMatchObject({ status: 405, code: 'bad_request' });
  });
});

/** Never run: `npm run typecheck` holds these lines to being type errors. */
export function codesOfAnotherStatusDoNotCompile(): void {
  // @ts-expect-error a 409 code is not a 422 one
  void new UnprocessableError('dataset_in_use', 'x');
  // @ts-expect-error a 422 code is not a 409 one
  void new ConflictError('unknown_target', 'x');
  // @ts-expect-error only the problem handler answers dependency_unavailable
  void new ServiceUnavailableError('dependency_unavailable', 'x');
  // @ts-expect-error an undeclared code
  void makeProblem('unknown_targett', 'x');
}
