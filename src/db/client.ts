import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { createPool, poolSql, type Sql } from './sql.ts';

/**
 * Prisma over a pg pool, and `sql`: the same pool's plain SQL, for the prediction path's few
 * lookups (see sql.ts for why).
 */
export type Database = InstanceType<typeof PrismaClient> & { readonly sql: Sql };
export { Prisma } from '../generated/prisma/client.ts';

/** One pool, with Prisma and `sql` over it; closed with `$disconnect()` in the owner's shutdown. */
export function createDatabase(databaseUrl: string, poolSize = 10): Database {
  const pool = createPool(databaseUrl, poolSize);
  // An idle connection that breaks (PostgreSQL restarted) is dropped by the pool, and the next
  // query reports the outage; unlistened, the pool's 'error' event would end the process.
  pool.on('error', () => undefined);
  const client = new PrismaClient({ adapter: new PrismaPg(pool) });
  const disconnect = client.$disconnect.bind(client);
  // Given a pool, the adapter leaves it open, and a client that never queried never opened
  // its adapter: the pool is ended here.
  client.$disconnect = async () => {
    await disconnect();
    if (!pool.ended) await pool.end();
  };
  return Object.assign(client, { sql: poolSql(pool) });
}
