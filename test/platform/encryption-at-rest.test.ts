import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { createArtifactStore } from '../../src/storage/create-artifact-store.ts';
import { CHUNK_BYTES, MAGIC } from '../../src/storage/encryption/chunked-cipher.ts';
import { DataKeyRing } from '../../src/storage/encryption/data-keys.ts';
import { ArtifactTamperedError, EncryptionKeyUnavailableError } from '../../src/storage/encryption/errors.ts';
import { masterKeyId, resolveMasterKeys } from '../../src/storage/encryption/master-keys.ts';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';

let env: TestEnv;
let a: TestTenant;
let b: TestTenant;
/** The environment's master key. */
let firstKey: string;

beforeAll(async () => {
  env = await createTestEnv();
  [a, b] = [await createTenant(env), await createTenant(env)];
  firstKey = env.config.MAAS_MASTER_KEY!;
});
afterAll(async () => {
  await env?.close();
});

const onDisk = (key: string) => path.join(env.config.ARTIFACT_DIR, key);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const freshKey = () => randomBytes(32).toString('base64');

describe('the service store encrypts what it keeps', () => {
  const sizes = [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 6 * 1024 * 1024 + 3];
  it.each(sizes)('round-trips %i bytes, streamed, answering the plaintext size and sha256', async (size) => {
    const plain = randomBytes(size);
    const key = `datasets/${a.projectId}/size-${size}.bin`;
    // Streamed in 16 KiB pieces, as an upload arrives.
    const pieces = Array.from({ length: Math.ceil(size / 16_384) }, (_, i) =>
      plain.subarray(i * 16_384, (i + 1) * 16_384),
    );
    const written = await env.deps.store.write(key, Readable.from(pieces));
    expect(written).toEqual({ sizeBytes: size, sha256: sha256(plain) });
    const stored = await readFile(onDisk(key));
    expect(stored.subarray(0, MAGIC.length)).toEqual(MAGIC);
    expect(stored.length).toBeGreaterThan(size);
    expect((await env.deps.store.read(key)).equals(plain)).toBe(true);
    expect((await buffer(env.deps.store.createReadStream(key))).equals(plain)).toBe(true);
  });

  // Buffers are sealed whole up to 16 MiB and streamed beyond: the same file either way.
  it.each([...sizes, 17 * 1024 * 1024])('round-trips %i bytes given whole', async (size) => {
    const plain = randomBytes(size);
    const key = `models/${a.projectId}/whole-${size}.bin`;
    const written = await env.deps.store.write(key, plain);
    expect(written).toEqual({ sizeBytes: size, sha256: sha256(plain) });
    const stored = await readFile(onDisk(key));
    expect(stored.subarray(0, MAGIC.length)).toEqual(MAGIC);
    // As long as the same bytes streamed: the same header and records.
    await env.deps.store.write(`${key}.streamed`, Readable.from([plain]));
    expect(stored.length).toBe((await readFile(onDisk(`${key}.streamed`))).length);
    if (size >= 64) expect(stored.includes(plain.subarray(0, 64))).toBe(false);
    expect((await env.deps.store.read(key)).equals(plain)).toBe(true);
    expect((await buffer(env.deps.store.createReadStream(key))).equals(plain)).toBe(true);
  });

  it('keeps no plaintext on disk, in owner-only files and folders', async () => {
    const csv = Buffer.from('customer_email,balance\nalice@example.com,1200\n'.repeat(500));
    const key = `datasets/${a.projectId}/secret.csv`;
    await env.deps.store.write(key, csv);
    const stored = await readFile(onDisk(key));
    expect(stored.includes(Buffer.from('alice@example.com'))).toBe(false);
    expect(stored.includes(Buffer.from('customer_email'))).toBe(false);
    expect((await stat(onDisk(key))).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(onDisk(key)))).mode & 0o777).toBe(0o700);
  });

  it('gives each project a data key of its own, stored only wrapped', async () => {
    await env.deps.store.write(`models/${b.projectId}/job/attempt-1/weights.bin`, Buffer.from('weights'));
    const rows = await env.deps.db.dataKey.findMany({ where: { projectId: { in: [a.projectId, b.projectId] } } });
    expect(rows.map((row) => row.scope).sort()).toEqual([a.projectId, b.projectId].sort());
    const ring = new DataKeyRing(env.deps.db, () => resolveMasterKeys(env.config));
    const [keyA, keyB] = [await ring.forScope(a.projectId), await ring.forScope(b.projectId)];
    expect(keyA.id).not.toBe(keyB.id);
    expect(keyA.key.equals(keyB.key)).toBe(false);
    for (const row of rows) {
      expect(Buffer.from(row.wrappedKey).includes(row.scope === a.projectId ? keyA.key : keyB.key)).toBe(false);
    }
    // Each file's header names its project's key.
    const header = await readFile(onDisk(`models/${b.projectId}/job/attempt-1/weights.bin`));
    expect(header.includes(Buffer.from(keyB.id))).toBe(true);
  });

  it('refuses a damaged file with a typed error, read whole or streamed', async () => {
    const key = `checkpoints/${a.projectId}/job/epoch-1.ckpt`;
    await env.deps.store.write(key, randomBytes(3 * CHUNK_BYTES));
    const stored = await readFile(onDisk(key));
    stored[stored.length - 100]! ^= 0x40;
    await writeFile(onDisk(key), stored);
    await expect(env.deps.store.read(key)).rejects.toBeInstanceOf(ArtifactTamperedError);
    await expect(buffer(env.deps.store.createReadStream(key))).rejects.toMatchObject({
      code: 'artifact_integrity_failed',
    });
  });

  it('still reads a file stored before encryption existed', async () => {
    const key = `datasets/${a.projectId}/legacy.csv`;
    await mkdir(path.dirname(onDisk(key)), { recursive: true });
    await writeFile(onDisk(key), 'x,y\n1,2\n');
    expect((await env.deps.store.read(key)).toString()).toBe('x,y\n1,2\n');
    expect((await buffer(env.deps.store.createReadStream(key))).toString()).toBe('x,y\n1,2\n');
  });

  it('with ENCRYPTION_AT_REST off, stores new files in clear and still reads encrypted ones', async () => {
    const clear = createArtifactStore({ ...env.config, ENCRYPTION_AT_REST: false }, env.deps.db);
    const key = `datasets/${a.projectId}/clear.csv`;
    await clear.write(key, Buffer.from('a,b\n3,4\n'));
    expect(await readFile(onDisk(key), 'utf8')).toBe('a,b\n3,4\n');
    expect((await clear.read(`datasets/${a.projectId}/secret.csv`)).includes(Buffer.from('alice@example.com'))).toBe(
      true,
    );
  });

  it('keeps store keys under no project with the service data key, and deletions pass through', async () => {
    await env.deps.store.write('exports/report.txt', Buffer.from('service-owned'));
    expect((await env.deps.store.read('exports/report.txt')).toString()).toBe('service-owned');
    expect(await env.deps.db.dataKey.count({ where: { scope: 'service', projectId: null } })).toBe(1);
    await env.deps.store.deletePrefix('exports');
    expect(await env.deps.store.list('exports')).toEqual([]);
  });
});

describe('master-key rotation', () => {
  it('the admin route re-wraps every data key without touching the files', async () => {
    const key = `datasets/${a.projectId}/before-rotation.csv`;
    await env.deps.store.write(key, Buffer.from('p,q\n5,6\n'));
    const fileBefore = await readFile(onDisk(key));
    const newKey = freshKey();
    const rotatedConfig = { ...env.config, MAAS_MASTER_KEY: newKey, MAAS_PREVIOUS_MASTER_KEYS: firstKey };
    const app = await buildApp({ ...env.deps, config: rotatedConfig }, { logger: false });
    try {
      const byKey = await app.inject({ method: 'POST', url: '/v1/admin/master-key:rotate', headers: a.auth });
      expect(byKey.statusCode).toBe(403);
      const rotated = await app.inject({
        method: 'POST',
        url: '/v1/admin/master-key:rotate',
        headers: { authorization: `Bearer ${env.adminToken}` },
      });
      expect(rotated.statusCode).toBe(200);
      const total = await env.deps.db.dataKey.count();
      expect(rotated.json()).toEqual({
        masterKeyId: masterKeyId(Buffer.from(newKey, 'base64')),
        rewrapped: total,
        unavailable: [],
      });
      expect(await env.deps.db.dataKey.count({ where: { masterKeyId: rotated.json().masterKeyId } })).toBe(total);
      const again = await app.inject({
        method: 'POST',
        url: '/v1/admin/master-key:rotate',
        headers: { authorization: `Bearer ${env.adminToken}` },
      });
      expect(again.json().rewrapped).toBe(0);
    } finally {
      await app.close();
    }
    expect((await readFile(onDisk(key))).equals(fileBefore)).toBe(true);

    // A process given only the new master key reads the old data; one given only the old key cannot.
    const newOnly = createArtifactStore({ ...env.config, MAAS_MASTER_KEY: newKey }, env.deps.db);
    expect((await newOnly.read(key)).toString()).toBe('p,q\n5,6\n');
    const oldOnly = createArtifactStore({ ...env.config, MAAS_MASTER_KEY: firstKey }, env.deps.db);
    await expect(oldOnly.read(key)).rejects.toBeInstanceOf(EncryptionKeyUnavailableError);

    // And `npm run rotate-master-key`'s command rotates back, reporting what it did.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/cli/rotate-master-key.ts'],
      {
        env: {
          ...process.env,
          DATABASE_URL: env.config.DATABASE_URL,
          ARTIFACT_DIR: env.config.ARTIFACT_DIR,
          MAAS_MASTER_KEY: firstKey,
          MAAS_PREVIOUS_MASTER_KEYS: `${freshKey()},${newKey}`,
        },
      },
    );
    expect(JSON.parse(stdout)).toMatchObject({ rewrapped: await env.deps.db.dataKey.count(), unavailable: [] });
    expect((await oldOnly.read(key)).toString()).toBe('p,q\n5,6\n');
  });

  it('a rotation without the old key leaves the data keys as they were and says which', async () => {
    const keys = await resolveMasterKeys({ ...env.config, MAAS_MASTER_KEY: freshKey() });
    const { rotateMasterKey } = await import('../../src/storage/encryption/rotate-master-key.ts');
    const report = await rotateMasterKey(env.deps.db, keys);
    expect(report.rewrapped).toBe(0);
    expect(report.unavailable.length).toBe(await env.deps.db.dataKey.count());
    expect((await env.deps.store.read(`datasets/${a.projectId}/before-rotation.csv`)).toString()).toBe('p,q\n5,6\n');
  });
});
