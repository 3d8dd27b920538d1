/**
 * Child process of the benchmark: the ceiling. A bare Fastify route that parses the same JSON
 * body as `:predict` and answers without auth, database or model: a one-row request gets a
 * constant of the same shape as the API's answer; a bulk request gets the API's own answer to
 * the same rows (read from BULK_ANSWER_FILE at start), serialised for each request as the API
 * must serialise its own. That makes it the floor of what any JSON service spends on a request.
 * With ACCESS_LOG=1 it also writes the API's own access line for every request, at info, through
 * the API's logger (`src/observability/access-log.ts`): the part of the ceiling that the line a
 * request must leave takes up.
 */
import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import { createLogger } from '../src/logger.ts';
import { accessLog } from '../src/observability/access-log.ts';
import { requestLogger } from '../src/observability/request-logger.ts';

const answer = JSON.stringify({
  predictions: [{ label: 'setosa', probabilities: { setosa: 0.9, versicolor: 0.05, virginica: 0.05 } }],
  model: { name: 'iris', version: 1 },
});
const bulkAnswer: unknown = process.env.BULK_ANSWER_FILE
  ? JSON.parse(readFileSync(process.env.BULK_ANSWER_FILE, 'utf8'))
  : undefined;
const logged = process.env.ACCESS_LOG === '1';
const app = Fastify(
  logged
    ? {
        loggerInstance: createLogger('info') as FastifyBaseLogger,
        logController: new LogController({ disableRequestLogging: true }),
        // The request's logger as the API makes it: only when the request logs through it.
        childLoggerFactory: requestLogger,
      }
    : { logger: false },
);
if (logged) await app.register(accessLog);
// Quiet while it starts listening (Fastify logs its address at info): the first line on standard
// output must be the port.
app.log.level = 'warn';
app.post<{ Body: { instances: unknown[] } }>('/v1/models/:name/versions/:version', async (request, reply) => {
  const bulk = request.body.instances.length > 1 && bulkAnswer !== undefined;
  return reply.type('application/json').send(bulk ? JSON.stringify(bulkAnswer) : answer);
});
await app.listen({ host: '127.0.0.1', port: 0 });
if (logged) app.log.level = 'info';
const address = app.server.address();
process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
process.on('SIGTERM', () => void app.close().finally(() => process.exit(0)));
