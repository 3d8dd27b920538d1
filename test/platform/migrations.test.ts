import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { MigrationError, defaultMigrationsDir, migrate } from '../../src/db/migrate.ts';
import { dropDatabase } from '../support/test-env.ts';

const quiet = { info: () => undefined };
const created: string[] = [];

function freshDatabaseUrl(): string {
  const url = `postgresql://postgres@127.0.0.1:5432/maas_migrate_${randomBytes(5).toString('hex')}`;
  created.push(url);
  return url;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  for (const url of created) await dropDatabase(url);
});

describe('the migration runner', () => {
  it('creates a missing database and applies every migration once, recording checksums', async () => {
    const url = freshDatabaseUrl();
    const applied = await migrate(url, quiet);
    expect(applied.length).toBeGreaterThan(0);
    const records = await query<{ migration_name: string; checksum: string }>(
      url,
      'SELECT migration_name, checksum FROM "_prisma_migrations"',
    );
    expect(records.map((r) => r.migration_name)).toEqual(applied);
    expect(records.every((r) => /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
    expect(await migrate(url, quiet)).toEqual([]);
  });

  it('applies each migration exactly once when two processes start at the same time', async () => {
    const url = freshDatabaseUrl();
    const [a, b] = await Promise.all([migrate(url, quiet), migrate(url, quiet)]);
    // One runner applied everything; the other found nothing left to do.
    expect([...a, ...b].sort()).toEqual([...(a.length ? a : b)].sort());
    expect(Math.min(a.length, b.length)).toBe(0);
    const records = await query(url, 'SELECT migration_name FROM "_prisma_migrations"');
    expect(records).toHaveLength(Math.max(a.length, b.length));
  });

  it('refuses a migration edited after it was applied', async () => {
    const url = freshDatabaseUrl();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'maas-migrations-'));
    try {
      await cp(defaultMigrationsDir, dir, { recursive: true });
      await migrate(url, quiet, dir);
      const [first] = await query<{ migration_name: string }>(
        url,
        'SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name',
      );
      await writeFile(path.join(dir, first!.migration_name, 'migration.sql'), '-- edited\nSELECT 1;\n');
      await expect(migrate(url, quiet, dir)).rejects.toThrow(MigrationError);
      await expect(migrate(url, quiet, dir)).rejects.toThrow(/edited after it was applied/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rolls back a failing migration whole, leaving no record', async () => {
    const url = freshDatabaseUrl();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'maas-migrations-'));
    try {
      await cp(defaultMigrationsDir, dir, { recursive: true });
      await cp(path.join(dir, '20261129000000_init'), path.join(dir, '29990101000000_broken'), { recursive: true });
      await writeFile(
        path.join(dir, '29990101000000_broken', 'migration.sql'),
        'CREATE TABLE "Half" (id int);\nSELECT * FROM "DoesNotExist";\n',
      );
      await expect(migrate(url, quiet, dir)).rejects.toThrow(/29990101000000_broken failed/);
      const tables = await query(url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'Half'`);
      expect(tables).toHaveLength(0);
      const records = await query<{ migration_name: string }>(url, 'SELECT migration_name FROM "_prisma_migrations"');
      expect(records.map((r) => r.migration_name)).not.toContain('29990101000000_broken');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
