/**
 * The prediction path's own SQL (src/db/sql.ts) reads and writes what Prisma does: the same
 * instants whatever the process's time zone, and bigint columns as BigInt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/client.ts';
import { predictionPathStatement, utcTimestamp } from '../../src/db/sql.ts';
import { createTenantEnv, type TenantEnv } from '../support/test-env.ts';

let ctx: TenantEnv;

beforeAll(async () => {
  ctx = await createTenantEnv();
});

afterAll(async () => {
  await ctx?.close();
});

describe('the pool’s own SQL', () => {
  it('reads and writes timestamps as Prisma does in a process whose zone is not UTC', async () => {
    const { db } = ctx.env.deps;
    const key = await db.apiKey.create({
      data: { projectId: ctx.tenant.projectId, name: 'zoned', prefix: 'maas_zoned', secretHash: 'zoned', scopes: [] },
    });
    const zone = process.env.TZ;
    // Node applies a changed TZ at once: pg's default parser would read these in New York time.
    process.env.TZ = 'America/New_York';
    try {
      const at = new Date('2099-06-01T12:34:56.789Z');
      await db.apiKey.update({ where: { id: key.id }, data: { expiresAt: at } });
      const [read] = await db.sql.rows<{ expiresAt: Date }>('SELECT "expiresAt" FROM "ApiKey" WHERE id = $1', [key.id]);
      expect(read!.expiresAt.toISOString()).toBe(at.toISOString());

      const used = Date.parse('2099-01-02T03:04:05.006Z');
      await db.sql.rows('UPDATE "ApiKey" SET "lastUsedAt" = $1 WHERE id = $2', [utcTimestamp(used), key.id]);
      const written = await db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
      expect(written.lastUsedAt?.getTime()).toBe(used);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('reads bigint columns as BigInt, beyond 2^53', async () => {
    const { db } = ctx.env.deps;
    const bytes = 2n ** 60n + 1n;
    await db.projectQuota.create({ data: { projectId: ctx.tenant.projectId, storedBytes: bytes } });
    const [row] = await db.sql.rows<{ storedBytes: bigint }>(
      'SELECT "storedBytes" FROM "ProjectQuota" WHERE "projectId" = $1',
      [ctx.tenant.projectId],
    );
    expect(row!.storedBytes).toBe(bytes);
  });

  it('opens connections ahead of the first requests, runs the prediction path’s statements on each, and says so when PostgreSQL cannot be reached', async () => {
    const url = new URL(ctx.env.config.DATABASE_URL);
    url.searchParams.set('application_name', 'warm-connections-test');
    const db = createDatabase(url.toString(), 4);
    const opened = async () => {
      const [row] = await ctx.env.deps.db.sql.rows<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
        ['warm-connections-test'],
      );
      return row!.n;
    };
    // Declared statements run on every connection opened, one that fails included: this one
    // leaves a mark on its connection's session.
    predictionPathStatement('SELECT no_such_column FROM "ApiKey" WHERE id = $1', ['']);
    predictionPathStatement("SELECT set_config('maas.warmed', $1, false)", ['yes']);
    try {
      expect(await opened()).toBe(0);
      await db.sql.open(2);
      await db.sql.opened();
      expect(await opened()).toBe(2);
      // Two queries at once take the two idle connections.
      const sessions = await Promise.all(
        [0, 1].map(() =>
          db.sql.rows<{ warmed: string | null; pid: number }>(
            "SELECT current_setting('maas.warmed', true) AS warmed, pg_backend_pid() AS pid FROM pg_sleep(0.1)",
          ),
        ),
      );
      expect(sessions.map(([row]) => row!.warmed)).toEqual(['yes', 'yes']);
      expect(new Set(sessions.map(([row]) => row!.pid)).size).toBe(2);
      expect(await opened()).toBe(2);
    } finally {
      await db.$disconnect();
    }
    const unreachable = createDatabase('postgresql://postgres@127.0.0.1:1/none', 2);
    await expect(unreachable.sql.open(2)).rejects.toThrow();
    // Readiness waits on this; it settles all the same.
    await expect(unreachable.sql.opened()).resolves.toBeUndefined();
    await unreachable.$disconnect();
  });
});
