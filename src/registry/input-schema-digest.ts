import { createHash } from 'node:crypto';

/** JSON with every object's keys sorted, so equal values always give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * A version's input schema (feature names, order, types, categories) as a SHA-256 digest:
 * clients compare it to see whether a new version reads instances differently, since
 * array instances are read by position and the default version can change under them.
 */
export function inputSchemaDigest(inputSchema: unknown): string {
  return createHash('sha256').update(canonicalJson(inputSchema)).digest('hex');
}
