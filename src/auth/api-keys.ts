import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const apiKeyScopes = ['read', 'write', 'predict', 'admin'] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

const KEY_PREFIX = 'maas_';
/** Characters of the key kept in clear (after `maas_`) so people can tell keys apart. */
const VISIBLE_CHARS = 8;

export interface IssuedApiKey {
  /** The whole key: shown once to its owner, never stored. */
  key: string;
  /** The visible start of the key, stored and listed. */
  prefix: string;
  secretHash: string;
}

export function issueApiKey(): IssuedApiKey {
  const key = KEY_PREFIX + randomBytes(30).toString('base64url');
  return { key, prefix: key.slice(0, KEY_PREFIX.length + VISIBLE_CHARS), secretHash: hashSecret(key) };
}

/** Keys carry 240 random bits, so a plain sha256 (no salt, no stretching) is enough and keeps lookups indexable. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(KEY_PREFIX);
}

/** Compares two secrets in constant time (over their hashes, so lengths may differ). */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(Buffer.from(hashSecret(a), 'hex'), Buffer.from(hashSecret(b), 'hex'));
}

/** The sha256 of a secret as bytes, for comparing with {@link secretDigestsEqual} before turning it into the hex of {@link hashSecret}. */
export function secretDigest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** Compares two sha256 digests (from {@link secretDigest}) in constant time. */
export function secretDigestsEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `admin` carries every other scope. */
export function hasScope(scopes: readonly string[], needed: ApiKeyScope): boolean {
  return scopes.includes(needed) || scopes.includes('admin');
}
