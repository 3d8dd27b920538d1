import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { answerError } from '../plugins/problem-handler.ts';
import { problemSchema } from '../schemas/common.ts';

/**
 * problem+json with the `error` string member that TF Serving clients and Open Inference
 * Protocol (V2) clients read: both protocols answer errors as `{"error": "<message>"}`.
 */
export const servingProblemSchema = problemSchema
  .extend({ error: z.string().describe('The detail again, where TF Serving and V2 clients look for it') })
  .meta({
    id: 'ServingProblem',
    description: 'RFC 9457 problem details with the `error` member of TF Serving and the Open Inference Protocol',
  });

/** The error responses of a serving route (401 and 403 always, as every authenticated route). */
export function servingErrorResponses(...statuses: number[]) {
  return Object.fromEntries([401, 403, ...statuses].map((status) => [status, servingProblemSchema])) as Record<
    number,
    typeof servingProblemSchema
  >;
}

/**
 * Sets the error handler of a serving route scope: the app's problem+json, plus `error`.
 * Errors of hooks (authentication) in the scope come here too.
 */
export function answerServingErrors(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) =>
    answerError(error, request, reply, (problem) => {
      problem.error = problem.detail;
    }),
  );
}

/**
 * A serializer for hot routes: the handler builds exactly the documented shape, so re-checking
 * it with zod on every response (thousands of predictions) would only cost time.
 */
export const plainJson = () => (data: unknown) => JSON.stringify(data);
