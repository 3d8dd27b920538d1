import { createHash } from 'node:crypto';

/**
 * A short name for the database a deployment keeps its records in: its host, port and
 * database name, hashed (no credentials, which may change, and nothing secret in Redis).
 * Two deployments share it only when they share the database.
 */
export function databaseIdentity(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const where = `${url.hostname.toLowerCase()}:${url.port || '5432'}/${decodeURIComponent(url.pathname.slice(1))}`;
  return createHash('sha256').update(where).digest('hex').slice(0, 12);
}
