/**
 * The master keys that wrap the projects' data keys. The current one wraps new data keys and
 * rotations; previous ones only unwrap, so old and new coexist while a rotation runs. A key's
 * id is derived from the key itself: a wrapped data key names the master key that opens it,
 * and no configuration has to name keys.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config/env.ts';
import { EncryptionKeyUnavailableError } from './errors.ts';

export const MASTER_KEY_BYTES = 32;

export interface MasterKey {
  id: string;
  key: Buffer;
}

export interface MasterKeys {
  current: MasterKey;
  /** Every key that may unwrap, the current one included, by id. */
  byId: Map<string, MasterKey>;
  /** Set when this call generated the key (a first dev start): where it is kept. */
  generatedFile?: string;
}

export type MasterKeyConfig = Pick<
  Config,
  'ARTIFACT_DIR' | 'MAAS_MASTER_KEY' | 'MAAS_MASTER_KEY_FILE' | 'MAAS_PREVIOUS_MASTER_KEYS'
>;

/** Decodes one base64 master key; undefined unless it is exactly 32 bytes. */
export function decodeMasterKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return undefined;
  const key = Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64');
  return key.length === MASTER_KEY_BYTES ? key : undefined;
}

export function masterKeyId(key: Buffer): string {
  return createHash('sha256').update('maas master key id\0').update(key).digest('hex').slice(0, 16);
}

const toMasterKey = (key: Buffer): MasterKey => ({ id: masterKeyId(key), key });

/**
 * `MAAS_MASTER_KEY`, else the file `MAAS_MASTER_KEY_FILE` names, else `<ARTIFACT_DIR>/master-key`,
 * generated on the first start (mode 0600) like the admin token, so a dev start needs nothing.
 */
export async function resolveMasterKeys(config: MasterKeyConfig): Promise<MasterKeys> {
  let current: Buffer;
  let generatedFile: string | undefined;
  if (config.MAAS_MASTER_KEY) {
    current = decodeMasterKey(config.MAAS_MASTER_KEY)!;
  } else if (config.MAAS_MASTER_KEY_FILE) {
    const text = await readFile(config.MAAS_MASTER_KEY_FILE, 'utf8');
    const key = decodeMasterKey(text);
    if (!key) throw new Error(`MAAS_MASTER_KEY_FILE ${config.MAAS_MASTER_KEY_FILE} does not hold a base64 32-byte key`);
    current = key;
  } else {
    ({ key: current, generatedFile } = await keptMasterKey(config.ARTIFACT_DIR));
  }
  const previous = (config.MAAS_PREVIOUS_MASTER_KEYS ?? '')
    .split(',')
    .filter((text) => text.trim() !== '')
    .map((text) => decodeMasterKey(text)!);
  const keys = [current, ...previous].map(toMasterKey);
  return { current: keys[0]!, byId: new Map(keys.map((key) => [key.id, key])), generatedFile };
}

async function keptMasterKey(artifactDir: string): Promise<{ key: Buffer; generatedFile?: string }> {
  const file = path.join(path.resolve(artifactDir), 'master-key');
  try {
    const key = decodeMasterKey(await readFile(file, 'utf8'));
    if (key) return { key };
    throw new Error(`${file} does not hold a base64 32-byte key`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(MASTER_KEY_BYTES);
  // Written aside, then linked into place: link fails when another process (a training child,
  // a second worker) won the race, and nobody ever reads a half-written key.
  const staged = `${file}.${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(staged, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(staged, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return keptMasterKey(artifactDir);
  } finally {
    await unlink(staged);
  }
  return { key, generatedFile: file };
}

/** Wraps a data key: nonce (12) | ciphertext (32) | tag (16); `binding` ties it to its row. */
export function wrapDataKey(master: MasterKey, dataKey: Buffer, binding: string): Uint8Array<ArrayBuffer> {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', master.key, iv);
  cipher.setAAD(Buffer.from(binding));
  const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return new Uint8Array(Buffer.concat([iv, body, cipher.getAuthTag()]));
}

export function unwrapDataKey(master: MasterKey, wrapped: Uint8Array, binding: string): Buffer {
  const bytes = Buffer.from(wrapped);
  const decipher = createDecipheriv('aes-256-gcm', master.key, bytes.subarray(0, 12));
  decipher.setAAD(Buffer.from(binding));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
  } catch {
    throw new EncryptionKeyUnavailableError(
      `The data key '${binding}' does not open with master key ${master.id}: the wrapped key is damaged.`,
    );
  }
}
