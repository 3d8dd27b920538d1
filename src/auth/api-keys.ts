import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

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

/**
 * Keys carry 240 random bits, so a plain sha256 (no salt, no stretching) is enough and keeps
 * lookups indexable. This runs on every request: the one-shot `hash` costs about a fifth of
 * a createHash object's update and digest on a key-sized input.
 */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(KEY_PREFIX);
}

/** Compares two secret hashes (from {@link hashSecret}) in constant time. */
export function secretHashesEqual(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'));
}

/** `admin` carries every other scope. */
export function hasScope(scopes: readonly string[], needed: ApiKeyScope): boolean {
  return scopes.includes(needed) || scopes.includes('admin');
}
