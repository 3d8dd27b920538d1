import { PassThrough, type Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The request body as a stream an upload route may destroy on failure without closing the
 * socket first (the client still gets its 4xx). A client that disconnects mid-upload errors
 * the stream, so the upload aborts and leaves nothing behind. Dataset and batch uploads read
 * bodies this way.
 */
export function requestBody(request: FastifyRequest, reply: FastifyReply): Readable {
  const raw = request.raw;
  const body = new PassThrough();
  raw.pipe(body);
  raw.on('error', (error) => body.destroy(error));
  raw.on('close', () => {
    if (!raw.complete) body.destroy(new Error('the client disconnected before the upload finished'));
  });
  body.on('close', () => {
    if (raw.complete) return;
    // Failed before the body ended: stop reading it, and close the connection after the answer.
    raw.unpipe(body);
    reply.header('connection', 'close');
    raw.resume();
  });
  return body;
}
