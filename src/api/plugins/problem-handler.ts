import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import {
  DomainError,
  QuotaExceededError,
  ServiceUnavailableError,
  type ErrorCode,
  type FieldIssue,
} from '../../errors.ts';
import { makeProblem, type Problem } from '../problem.ts';

/** Fastify's own error codes that are the client's fault, with the code we answer (with fastify's status). */
const fastifyClientErrors: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'validation_failed',
  FST_ERR_CTP_INVALID_JSON_BODY: 'validation_failed',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'unsupported_media_type',
  FST_REQ_FILE_TOO_LARGE: 'payload_too_large',
  FST_PARTS_LIMIT: 'payload_too_large',
  FST_FILES_LIMIT: 'payload_too_large',
};

/** The messages of connection-level failures of Postgres or Redis, matched case-insensitively. */
const OUTAGE_MESSAGE = new RegExp(
  [
    "Can't reach database",
    'Connection terminated',
    'connect ECONNREFUSED',
    'Connection is closed',
    'timeout exceeded when trying to connect',
  ].join('|'),
  'i',
);

/**
 * Connection-level failures of Postgres or Redis, and a database too busy to start a
 * transaction in time (P2028): the service, not the request, is at fault.
 */
function isDependencyOutage(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  const message = String((error as Error).message ?? '');
  return (
    ['ECONNREFUSED', 'ETIMEDOUT', 'ECONNRESET', 'P1001', 'P1002', 'P1017', 'P2024', 'P2028'].includes(code) ||
    OUTAGE_MESSAGE.test(message)
  );
}

export function toProblem(error: unknown, request: FastifyRequest): Problem {
  const base = { instance: request.url, requestId: request.id };
  if (error instanceof DomainError) {
    return makeProblem(
      error.code,
      error.message,
      { ...base, ...error.extra, ...(error.issues ? { issues: error.issues } : {}) },
      error.status,
    );
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues: FieldIssue[] = error.validation.map((issue) => ({
      path: [error.validationContext ?? 'body', ...String(issue.instancePath).split('/').filter(Boolean)].join('.'),
      message: issue.message ?? 'is invalid',
    }));
    const issueList = issues.map((i) => `${i.path} ${i.message}`).join('; ');
    return makeProblem(
      'validation_failed',
      `The request ${error.validationContext ?? 'body'} is invalid: ${issueList}`,
      { ...base, issues },
    );
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.code && fastifyClientErrors[fastifyError.code]) {
    const code = fastifyClientErrors[fastifyError.code]!;
    return makeProblem(code, fastifyError.message, base, fastifyError.statusCode ?? 400);
  }
  if (isDependencyOutage(error)) {
    return makeProblem(
      'dependency_unavailable',
      'A backing service (database or queue) is unreachable; try again shortly.',
      base,
    );
  }
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return makeProblem('bad_request', fastifyError.message, base, fastifyError.statusCode);
  }
  return makeProblem(
    'internal_error',
    `An unexpected error occurred; quote request id ${request.id} when reporting it.`,
    base,
  );
}

export async function sendProblem(reply: FastifyReply, problem: Problem): Promise<void> {
  reply.code(problem.status).type('application/problem+json');
  if (problem.status === 503) reply.header('retry-after', String(problem.retryAfterSeconds ?? 1));
  else if (problem.retryAfterSeconds !== undefined || problem.status === 429)
    reply.header('retry-after', String(problem.retryAfterSeconds ?? 1));
  // Routes' own zod serializers must not see problem bodies.
  await reply.serializer((body: unknown) => JSON.stringify(body)).send(problem);
}

/**
 * Answers `error` as problem+json and logs it: expected 4xx at warn, 5xx at error with the
 * cause. `amend` adds what a protocol's clients look for (the serving routes' `error`).
 */
export async function answerError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  amend: (problem: Problem) => void = () => undefined,
): Promise<void> {
  const problem = toProblem(error, request);
  if ((error instanceof ServiceUnavailableError || error instanceof QuotaExceededError) && error.retryAfterSeconds)
    problem.retryAfterSeconds = error.retryAfterSeconds;
  amend(problem);
  if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.warn({ code: problem.code, detail: problem.detail }, 'request rejected');
  await sendProblem(reply, problem);
}

/** Turns every error, unknown routes included, into RFC 9457 problem+json. */
export const problemHandler = fp(async function problemHandler(app: FastifyInstance) {
  app.setErrorHandler((error, request, reply) => answerError(error, request, reply));
  app.setNotFoundHandler(async (request, reply) => {
    await sendProblem(
      reply,
      makeProblem('route_not_found', `No route ${request.method} ${request.url.split('?')[0]}.`, {
        instance: request.url,
        requestId: request.id,
      }),
    );
  });
});
