/**
 * SQL sent straight through the pg pool that Prisma's adapter also uses, for the prediction
 * path's few lookups (API key, project quota, version resolution and row, data key).
 *
 * Why not Prisma there: Prisma 7 runs a WebAssembly query compiler in the process. The first
 * query of a process instantiates it (about 150 ms of CPU here) and every new query shape
 * compiles on first use (5 to 45 ms each). On the prediction path that was most of the first
 * prediction after a start (BENCHMARKS.md, 1e'), and the readiness probe's query was a tenth of
 * the start (1e). Sent here, the first prediction and readiness never load the compiler; the
 * rest of the service keeps Prisma.
 */
import pg from 'pg';

/** Rows of one parameterised statement ($1, $2, ... bound to `values`). */
export interface Sql {
  rows<R>(text: string, values?: readonly unknown[]): Promise<R[]>;
  /**
   * Opens `connections` connections now, kept while idle (the pool's `min`), so that the first
   * requests after a start do not wait for one to open, and runs every statement declared by
   * {@link predictionPathStatement} once on each; rejects where PostgreSQL is unreachable.
   */
  open(connections: number): Promise<void>;
  /** Resolves once the last {@link open} has settled, whether it opened its connections or not. */
  opened(): Promise<void>;
}

/** A statement of the prediction path, with values that match no row. */
interface WarmStatement {
  text: string;
  values: readonly unknown[];
}

const predictionPath: WarmStatement[] = [];

/**
 * Declares `text` as a statement of the prediction path, returned as it is: {@link Sql.open}
 * runs it on each connection it opens, with `noMatch`, values that match no row. Why: a new
 * PostgreSQL backend fills its catalog caches as statements first touch each table and index, and
 * that work fell on the first request after a start, whose lookups each took 1 to 6 ms of the
 * server's time to parse and plan (about 16 ms in all; BENCHMARKS.md, 1e'). Declare read-only
 * statements only, at module level, next to the code that sends them.
 */
export function predictionPathStatement(text: string, noMatch: readonly unknown[]): string {
  predictionPath.push({ text, values: noMatch });
  return text;
}

/**
 * Connections the API keeps open while idle. A first prediction overlaps two queries (the key's
 * `lastUsedAt`, written in the background, and the next lookup): with one connection open the
 * second waited about 6 ms for a connection to open.
 */
export const WARM_CONNECTIONS = 2;

/** The pool's size and timeout, as Prisma's adapter is given them. */
export function createPool(databaseUrl: string, poolSize: number): pg.Pool {
  // A short connection timeout makes a Postgres outage answer 503 quickly instead of hanging.
  return new pg.Pool({
    connectionString: databaseUrl,
    max: poolSize,
    min: Math.min(WARM_CONNECTIONS, poolSize),
    connectionTimeoutMillis: 5_000,
  });
}

/**
 * Prisma keeps DateTime columns as `timestamp(3)` without a time zone, in UTC; pg would read
 * such a value in the process's local zone, so it is read as UTC here. `bigint` columns come
 * back as BigInt, as Prisma gives them, rather than pg's strings.
 */
const UTC_TIMESTAMP = 1114;
const INT8 = 20;
const parsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === UTC_TIMESTAMP) return (value: string) => new Date(`${value.replace(' ', 'T')}Z`);
    if (oid === INT8) return (value: string) => BigInt(value);
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * A time as a `timestamp` parameter: an ISO string in UTC, whose zone PostgreSQL ignores for a
 * column without one (a Date would be sent in the process's local zone and stored shifted).
 */
export const utcTimestamp = (epochMs: number) => new Date(epochMs).toISOString();

/** Runs the declared statements on one connection; one that fails fails again, and is reported, when a request sends it. */
async function warm(client: pg.PoolClient): Promise<void> {
  try {
    for (const { text, values } of predictionPath)
      await client.query({ text, values: [...values], types: parsers }).catch(() => undefined);
  } finally {
    client.release();
  }
}

export function poolSql(pool: Pick<pg.Pool, 'query' | 'connect'>): Sql {
  let opening: Promise<unknown> = Promise.resolve();
  async function open(connections: number): Promise<void> {
    const clients = await Promise.allSettled(Array.from({ length: connections }, () => pool.connect()));
    await Promise.all(clients.map((client) => (client.status === 'fulfilled' ? warm(client.value) : undefined)));
    const failed = clients.find((client) => client.status === 'rejected');
    if (failed) throw failed.reason;
  }
  return {
    async rows<R>(text: string, values: readonly unknown[] = []) {
      const result = await pool.query({ text, values: [...values], types: parsers });
      return result.rows as R[];
    },
    open(connections) {
      const opened = open(connections);
      opening = opened.catch(() => undefined);
      return opened;
    },
    opened: () => opening.then(() => undefined),
  };
}
