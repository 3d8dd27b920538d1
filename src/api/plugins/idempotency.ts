import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { deleteDataset } from '../../datasets/dataset-catalog.ts';
import type { Database } from '../../db/client.ts';
import { Prisma } from '../../db/client.ts';
import type { Deps } from '../../deps.ts';
import { ConflictError, UnprocessableError, ValidationError } from '../../errors.ts';
import { makeProblem } from '../problem.ts';
import { problemSchema } from '../schemas/common.ts';
import { projectOf } from './auth.ts';

/**
 * How a route takes `Idempotency-Key`, set as `config: { idempotency }` on the route:
 * `json` compares the validated body; `dataset-upload` compares the query and media type
 * before the (streamed) body is read, and the body's sha256 once it has been ingested.
 */
export type IdempotencyMode = 'json' | 'dataset-upload';

declare module 'fastify' {
  interface FastifyContextConfig {
    idempotency?: IdempotencyMode;
  }
}

const KEY = /^[\x21-\x7e]{1,255}$/;
const POLL_MS = 100;
/** How long a duplicate waits for the first request before answering 409. */
const WAIT_LIMIT_MS = 120_000;
/** A pending key older than this belongs to a process that died mid-request: it may be taken over. */
const PENDING_LEASE_MS = 10 * 60_000;

type Row = NonNullable<Awaited<ReturnType<Database['idempotencyKey']['findUnique']>>>;
interface Claim {
  projectId: string;
  route: string;
  key: string;
  requestHash: string;
  role: 'owner' | 'follower';
}

const claims = new WeakMap<FastifyRequest, Claim>();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Idempotency keys for routes that create things. The table's primary key (project, route,
 * key) is the lock: the first request inserts a pending row and runs; a duplicate finds the
 * row and, once it is complete, gets the stored response replayed (`idempotent-replayed:
 * true`); a duplicate racing the first waits for it. The same key with a different request
 * is 422. Only 2xx answers are kept: after an error the key is released for a retry. Keys
 * expire after IDEMPOTENCY_TTL_SECONDS.
 *
 * Dataset uploads cannot be compared before their body is read, so a duplicate upload is
 * ingested too, then compared by sha256 with the first: equal, its own new dataset is
 * deleted and the first answer replayed; different, it is deleted and the answer is 422.
 */
export const idempotencyPlugin = fp(async function idempotencyPlugin(app: FastifyInstance, { deps }: { deps: Deps }) {
  const { db, store, config } = deps;
  const ttlMs = config.IDEMPOTENCY_TTL_SECONDS * 1000;

  /** Inserts the pending row, or returns the row that holds the key (expired and abandoned ones are cleared first). */
  async function claim(
    id: { projectId: string; route: string; key: string },
    requestHash: string,
  ): Promise<Row | undefined> {
    for (;;) {
      try {
        await db.idempotencyKey.create({ data: { ...id, requestHash, expiresAt: new Date(Date.now() + ttlMs) } });
        return undefined;
      } catch (error) {
        if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') throw error;
      }
      const row = await db.idempotencyKey.findUnique({ where: { projectId_route_key: id } });
      if (!row) continue;
      const abandoned = row.responseStatus === null && Date.now() - row.createdAt.getTime() > PENDING_LEASE_MS;
      if (row.expiresAt.getTime() > Date.now() && !abandoned) return row;
      await db.idempotencyKey.deleteMany({ where: { ...id, createdAt: row.createdAt } });
    }
  }

  /** Polls until the first request stores its answer; undefined when it gave the key up. */
  async function awaitCompletion(id: { projectId: string; route: string; key: string }): Promise<Row | undefined> {
    const deadline = Date.now() + WAIT_LIMIT_MS;
    for (;;) {
      const row = await db.idempotencyKey.findUnique({ where: { projectId_route_key: id } });
      if (!row || row.expiresAt.getTime() <= Date.now()) return undefined;
      if (row.responseStatus !== null) return row;
      if (Date.now() > deadline)
        throw new ConflictError(
          'idempotency_request_in_progress',
          'A request with this Idempotency-Key is still in progress; retry later.',
        );
      await sleep(POLL_MS);
    }
  }

  const replay = (reply: FastifyReply, row: Row, route: string) => {
    const body = row.responseBody as { id?: string };
    reply.code(row.responseStatus!).header('idempotent-replayed', 'true').type('application/json; charset=utf-8');
    if (body.id) reply.header('location', `${route.split(' ')[1]}/${body.id}`);
    return JSON.stringify(body);
  };
  const reused = () =>
    new UnprocessableError(
      'idempotency_key_reused',
      'This Idempotency-Key was used with a different request; use a new key for a new request.',
    );

  app.addHook('onRoute', (route) => {
    const mode = route.config?.idempotency;
    if (!mode) return;
    documentIdempotency(route);
    const routeName = `${String(route.method)} ${route.url}`;

    const preHandler = async (request: FastifyRequest, reply: FastifyReply) => {
      const key = request.headers['idempotency-key'];
      if (key === undefined) return;
      if (typeof key !== 'string' || !KEY.test(key))
        throw new ValidationError('Idempotency-Key must be 1 to 255 visible ASCII characters.', [
          { path: 'headers.idempotency-key', message: 'is invalid' },
        ]);
      const id = { projectId: projectOf(request), route: routeName, key };
      const mediaType = String(request.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim()
        .toLowerCase();
      const requestHash = sha256(
        canonical(mode === 'json' ? { body: request.body, query: request.query } : { query: request.query, mediaType }),
      );
      for (;;) {
        const held = await claim(id, requestHash);
        if (!held) return void claims.set(request, { ...id, requestHash, role: 'owner' });
        if (held.requestHash !== requestHash) throw reused();
        // An upload must be read before it can be compared: ingest it, decide in onSend.
        if (mode === 'dataset-upload') return void claims.set(request, { ...id, requestHash, role: 'follower' });
        const done = await awaitCompletion(id);
        if (done) return reply.send(replay(reply, done, routeName));
      }
    };

    const onSend = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const held = claims.get(request);
      if (!held) return payload;
      claims.delete(request);
      const { role, requestHash, ...id } = held;
      const ok = reply.statusCode >= 200 && reply.statusCode < 300;
      if (role === 'owner') {
        if (ok)
          await db.idempotencyKey.updateMany({
            where: { ...id, requestHash, responseStatus: null },
            data: {
              responseStatus: reply.statusCode,
              responseBody: JSON.parse(String(payload)) as Prisma.InputJsonValue,
            },
          });
        else await db.idempotencyKey.deleteMany({ where: { ...id, requestHash, responseStatus: null } });
        return payload;
      }
      // A duplicate upload, ingested as a dataset of its own.
      if (!ok) return payload;
      const own = JSON.parse(String(payload)) as { id: string; sha256: string };
      for (;;) {
        const first = await awaitCompletion(id);
        if (!first) {
          // The first request failed and let the key go: this upload becomes the answer.
          if (!(await claim(id, requestHash))) {
            await db.idempotencyKey.updateMany({
              where: { ...id, requestHash, responseStatus: null },
              data: { responseStatus: reply.statusCode, responseBody: own as unknown as Prisma.InputJsonValue },
            });
            return payload;
          }
          continue;
        }
        await deleteDataset(db, store, id.projectId, own.id);
        if ((first.responseBody as { sha256?: string }).sha256 === own.sha256) return replay(reply, first, routeName);
        const error = reused();
        reply.code(error.status).type('application/problem+json');
        return JSON.stringify(makeProblem(error.code, error.message, { instance: request.url, requestId: request.id }));
      }
    };

    route.preHandler = [...toArray(route.preHandler), preHandler];
    route.onSend = [onSend, ...toArray(route.onSend)];
  });
});

function toArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with object keys sorted, so the same request always hashes the same. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}

const idempotencyHeader = z
  .string()
  .optional()
  .describe(
    'Makes the request safe to retry: the same key with the same request returns the first answer; ' +
      'with a different request, 422. 1 to 255 visible ASCII characters; remembered for IDEMPOTENCY_TTL_SECONDS.',
  );

/**
 * Declares the header and the answers it adds (409 while the first request is still in
 * flight, 422 on reuse) in the route's schema, so openapi.yaml describes it. The header's
 * syntax is checked in the preHandler, which answers with the service's own problem.
 */
function documentIdempotency(route: RouteOptions): void {
  const schema = (route.schema ?? {}) as { headers?: z.ZodObject; response?: Record<number, unknown> };
  const headers = z.object({ 'idempotency-key': idempotencyHeader }).loose();
  schema.headers = schema.headers ? schema.headers.extend(headers.shape) : headers;
  schema.response = { ...schema.response, 409: problemSchema, 422: problemSchema };
  route.schema = schema;
}
