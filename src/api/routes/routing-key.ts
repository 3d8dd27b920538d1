import type { FastifyRequest } from 'fastify';
import type { PredictOptions } from '../../serving/prediction-service.ts';

/**
 * The header keeping a caller on one version of a split alias. Read as it is, not declared in
 * the routes' schemas: validating headers would cost every prediction, split or not.
 */
export const ROUTING_KEY_HEADER = 'x-maas-routing-key';

/** The request's routing key, when it sent one. */
export function routingOf(request: FastifyRequest): PredictOptions {
  const key = request.headers[ROUTING_KEY_HEADER];
  return typeof key === 'string' && key !== '' ? { routingKey: key } : {};
}
