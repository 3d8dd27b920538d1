/**
 * Child process of the benchmark: the ceiling. A bare Fastify route that parses the same JSON
 * body as `:predict` and answers a constant of the same shape, with no auth, database or model.
 */
import Fastify from 'fastify';

const answer = JSON.stringify({ predictions: [{ label: 'setosa', probabilities: { setosa: 0.9, versicolor: 0.05, virginica: 0.05 } }], model: { name: 'iris', version: 1 } });
const app = Fastify({ logger: false });
app.post('/v1/models/:name/versions/:version', async (_request, reply) => reply.type('application/json').send(answer));
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
process.on('SIGTERM', () => void app.close().finally(() => process.exit(0)));
