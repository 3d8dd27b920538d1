import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { API_KEY_PATTERN, API_KEY_PREFIX, apiKeyShape, checksumOf, hashSecret, issueApiKey } from './api-keys.ts';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const fromBase62 = (digits: string) => [...digits].reduce((n, c) => n * 62 + BASE62.indexOf(c), 0);

describe('API key format', () => {
  it('issues keys a secret scanner can match, with a CRC32 checksum of the random part', () => {
    const keys = Array.from({ length: 200 }, () => issueApiKey());
    for (const { key, prefix, secretHash } of keys) {
      expect(key).toMatch(API_KEY_PATTERN);
      expect(key.startsWith(`${API_KEY_PREFIX}`)).toBe(true);
      expect(key.startsWith(prefix)).toBe(true);
      expect(prefix).toHaveLength(API_KEY_PREFIX.length + 8);
      expect(secretHash).toBe(hashSecret(key));
      const random = key.slice(API_KEY_PREFIX.length, -6);
      expect(random).toHaveLength(30);
      expect(fromBase62(key.slice(-6))).toBe(crc32(random));
      expect(apiKeyShape(key)).toBe('key');
    }
    expect(new Set(keys.map((k) => k.key)).size).toBe(keys.length);
  });

  it('spreads the random characters over the whole alphabet', () => {
    const seen = new Set(
      Array.from({ length: 100 }, () => issueApiKey().key.slice(API_KEY_PREFIX.length, -6))
        .join('')
        .split(''),
    );
    expect(seen.size).toBe(62);
  });

  it('refuses a key with any one character changed, as its checksum no longer holds', () => {
    const { key } = issueApiKey();
    fc.assert(
      fc.property(
        fc.integer({ min: API_KEY_PREFIX.length, max: key.length - 1 }),
        fc.constantFrom(...BASE62),
        (at, char) => {
          fc.pre(key[at] !== char);
          const altered = key.slice(0, at) + char + key.slice(at + 1);
          expect(apiKeyShape(altered)).toBe('malformed');
        },
      ),
    );
  });

  it('writes the checksum as six base62 digits, zero-padded', () => {
    expect(checksumOf('')).toBe('000000');
    expect(fromBase62(checksumOf('abc'))).toBe(crc32('abc'));
    expect(checksumOf('abc')).toHaveLength(6);
  });

  it('still accepts the shape of keys issued before the checksum, for a database lookup', () => {
    expect(apiKeyShape(`maas_${'a'.repeat(20)}-_${'Z9'.repeat(9)}`)).toBe('legacy');
  });

  it('calls anything else malformed', () => {
    for (const token of ['', 'maas_', 'maas_short', 'Bearer', `maas_pk_${'a'.repeat(36)}`, `maas_${'a'.repeat(41)}`])
      expect(apiKeyShape(token), token).toBe('malformed');
    const { key } = issueApiKey();
    expect(apiKeyShape(key.slice(0, -1))).toBe('malformed');
    expect(apiKeyShape(`${key}00`)).toBe('malformed');
  });
});
