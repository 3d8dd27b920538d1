/**
 * The identity of a servable model in the {@link ModelCache}: one immutable version of one
 * model of one project. Never an alias.
 *
 * Why versions and not aliases: an alias (`production`) is a movable pointer resolved in the
 * database per request, while a version's artifact never changes. Keyed by version:
 * - promoting or rolling back an alias needs no cache invalidation. Requests resolved before
 *   the move keep their lease on the old version and finish on it; requests resolved after it
 *   acquire the new version (loaded once, warmed up, then served). Nothing is dropped or
 *   answered by a half-swapped model, and the old version leaves by ordinary LRU eviction,
 *   disposed only after its last in-flight request released it;
 * - a response can always name the exact `{model, version}` that produced it;
 * - a cached value can never be stale, so no TTL or cross-replica invalidation is needed
 *   (except when a version is deleted: `invalidate` it).
 * The project id is part of the key so that two tenants' models of the same name never share
 * a cache slot.
 */
export interface ModelVersionKey {
  projectId: string;
  model: string;
  version: number | string;
}

/**
 * The cache's map key for a version: unambiguous whatever characters the names contain
 * (JSON-encoding each part, rather than joining with a separator a name could contain).
 */
export function modelVersionCacheKey(key: ModelVersionKey): string {
  return JSON.stringify([key.projectId, key.model, String(key.version)]);
}
