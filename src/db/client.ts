import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export type Database = InstanceType<typeof PrismaClient>;
export { Prisma } from '../generated/prisma/client.ts';

/** One Prisma client over a pg pool; closed with `$disconnect()` in the owner's shutdown. */
export function createDatabase(databaseUrl: string, poolSize = 10): Database {
  // A short connection timeout makes a Postgres outage answer 503 quickly instead of hanging.
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: poolSize, connectionTimeoutMillis: 5_000 });
  return new PrismaClient({ adapter });
}
