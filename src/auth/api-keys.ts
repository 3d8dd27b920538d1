import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';

export const apiKeyScopes = ['read', 'write', 'predict', 'admin'] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

/**
 * Keys look like `maas_pk_` + 30 random base62 characters + 6 base62 characters of the CRC32
 * of those 30 (the scheme of GitHub's `ghp_` tokens). The fixed prefix and shape let secret
 * scanners find a leaked key with one regular expression ({@link API_KEY_PATTERN}); the
 * checksum lets the service refuse a mistyped or invented key without asking the database.
 */
export const API_KEY_PREFIX = 'maas_pk_';
const RANDOM_CHARS = 30;
const CHECKSUM_CHARS = 6;
/** What a secret scanner should look for. */
export const API_KEY_PATTERN = /^maas_pk_[0-9A-Za-z]{36}$/;
/**
 * Keys issued before the checksum (`maas_` + 40 base64url characters). They keep working, but
 * only the database can tell a real one from a guess. They are one character longer than the
 * current keys, so no key matches both shapes.
 */
const LEGACY_KEY_PATTERN = /^maas_[A-Za-z0-9_-]{40}$/;
/** Characters of the key kept in clear after its prefix, so people can tell keys apart. */
const VISIBLE_CHARS = 8;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export interface IssuedApiKey {
  /** The whole key: shown once to its owner, never stored. */
  key: string;
  /** The visible start of the key, stored and listed. */
  prefix: string;
  secretHash: string;
}

export function issueApiKey(): IssuedApiKey {
  const random = randomBase62(RANDOM_CHARS);
  const key = API_KEY_PREFIX + random + checksumOf(random);
  return { key, prefix: key.slice(0, API_KEY_PREFIX.length + VISIBLE_CHARS), secretHash: hashSecret(key) };
}

/** 30 characters of 62 carry about 178 random bits; rejection sampling keeps them uniform. */
function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 * 62: bytes above it would favour the first characters.
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

/** CRC32 of the random part as 6 base62 digits (62^6 > 2^32), most significant first. */
export function checksumOf(random: string): string {
  let value = crc32(random);
  let out = '';
  for (let i = 0; i < CHECKSUM_CHARS; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

/**
 * How a bearer token that is not the admin token looks: a current key whose checksum holds
 * (`key`), a key of the old format (`legacy`, only a lookup can tell), or anything else
 * (`malformed`, refused without a lookup).
 */
export function apiKeyShape(token: string): 'key' | 'legacy' | 'malformed' {
  if (API_KEY_PATTERN.test(token)) {
    const random = token.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + RANDOM_CHARS);
    return token.endsWith(checksumOf(random)) ? 'key' : 'malformed';
  }
  return LEGACY_KEY_PATTERN.test(token) ? 'legacy' : 'malformed';
}

/**
 * Keys carry at least 178 random bits, so a plain sha256 (no salt, no stretching) is enough
 * and keeps lookups indexable. This runs on every request: the one-shot `hash` costs about a
 * fifth of a createHash object's update and digest on a key-sized input.
 */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** Compares two secret hashes (from {@link hashSecret}) in constant time. */
export function secretHashesEqual(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'));
}

/** `admin` carries every other scope. */
export function hasScope(scopes: readonly string[], needed: ApiKeyScope): boolean {
  return scopes.includes(needed) || scopes.includes('admin');
}
