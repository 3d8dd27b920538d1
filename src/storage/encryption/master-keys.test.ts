import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeMasterKey, masterKeyId, resolveMasterKeys, unwrapDataKey, wrapDataKey } from './master-keys.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'maas-master-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resolveMasterKeys', () => {
  it('generates one key on a first start, owner-only, and every later process reads the same', async () => {
    const starts = await Promise.all(Array.from({ length: 5 }, () => resolveMasterKeys({ ARTIFACT_DIR: dir })));
    expect(new Set(starts.map((keys) => keys.current.id)).size).toBe(1);
    expect(starts.filter((keys) => keys.generatedFile).length).toBe(1);
    const file = path.join(dir, 'master-key');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(decodeMasterKey(await readFile(file, 'utf8'))!.equals(starts[0]!.current.key)).toBe(true);
    expect((await resolveMasterKeys({ ARTIFACT_DIR: dir })).generatedFile).toBeUndefined();
  });

  it('takes MAAS_MASTER_KEY, else the key file, and previous keys for unwrapping only', async () => {
    const [current, old, filed] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    await writeFile(path.join(dir, 'key'), `${filed.toString('base64')}\n`);
    const configured = await resolveMasterKeys({
      ARTIFACT_DIR: dir,
      MAAS_MASTER_KEY: current.toString('base64'),
      MAAS_MASTER_KEY_FILE: path.join(dir, 'key'),
      MAAS_PREVIOUS_MASTER_KEYS: ` ${old.toString('base64url')} ,`,
    });
    expect(configured.current.id).toBe(masterKeyId(current));
    expect([...configured.byId.keys()]).toEqual([masterKeyId(current), masterKeyId(old)]);
    const fromFile = await resolveMasterKeys({ ARTIFACT_DIR: dir, MAAS_MASTER_KEY_FILE: path.join(dir, 'key') });
    expect(fromFile.current.key.equals(filed)).toBe(true);
    await writeFile(path.join(dir, 'bad'), 'not a key');
    await expect(resolveMasterKeys({ ARTIFACT_DIR: dir, MAAS_MASTER_KEY_FILE: path.join(dir, 'bad') })).rejects.toThrow(
      /does not hold a base64 32-byte key/,
    );
  });

  it('decodes only 32-byte keys', () => {
    expect(decodeMasterKey(randomBytes(32).toString('base64'))).toBeDefined();
    expect(decodeMasterKey(randomBytes(16).toString('base64'))).toBeUndefined();
    expect(decodeMasterKey('not base64!')).toBeUndefined();
  });
});

describe('data key wrapping', () => {
  it('opens only with the same master key and the same binding', async () => {
    const keys = await resolveMasterKeys({ ARTIFACT_DIR: dir });
    const other = await resolveMasterKeys({ ARTIFACT_DIR: dir, MAAS_MASTER_KEY: randomBytes(32).toString('base64') });
    const dataKey = randomBytes(32);
    const wrapped = wrapDataKey(keys.current, dataKey, 'id:project');
    expect(unwrapDataKey(keys.current, wrapped, 'id:project').equals(dataKey)).toBe(true);
    expect(() => unwrapDataKey(keys.current, wrapped, 'id:other-project')).toThrow(/does not open/);
    expect(() => unwrapDataKey(other.current, wrapped, 'id:project')).toThrow(/does not open/);
  });
});
