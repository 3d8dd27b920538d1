/**
 * Notices that what a model's aliases and default serve may have changed: an alias moved or
 * removed, a traffic split or shadow changed, a version registered or deleted, the logging rate
 * changed, the model or its whole project erased. Every API process caches its alias and
 * default resolutions (src/serving/route-cache.ts) and drops the model's entries on a notice.
 *
 * Notices are published on one Redis channel per deployment (the REDIS_PREFIX), after the
 * change's transaction committed, so whoever hears one and reads again reads the change.
 * They are hints: a process that misses one (its subscriber was disconnected) drops its whole
 * cache when it reconnects, and entries expire after ROUTE_CACHE_TTL_MS anyway.
 */
export interface RouteChange {
  projectId: string;
  /** The model whose routes changed; absent for the whole project (erasure). */
  model?: string;
  /** Versions deleted: other processes also unload them. */
  versionIds?: string[];
}

export const routeChangeChannel = (prefix: string) => `${prefix}:route-changes`;

/** Tells every API process (this one included) that a model's routes changed. Never throws. */
export interface RouteChangeNotifier {
  changed(change: RouteChange): Promise<void>;
}

/** The notifier over a Redis connection; a failed publish is reported to `onError`, not thrown. */
export function redisRouteChangeNotifier(
  redis: { publish(channel: string, message: string): Promise<unknown> },
  prefix: string,
  onError: (error: unknown, change: RouteChange) => void = () => undefined,
): RouteChangeNotifier {
  const channel = routeChangeChannel(prefix);
  return {
    async changed(change) {
      try {
        await redis.publish(channel, JSON.stringify(change));
      } catch (error) {
        onError(error, change);
      }
    },
  };
}

/** A notice as received, or undefined for anything else on the channel. */
export function parseRouteChange(text: string): RouteChange | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const { projectId, model, versionIds } = value as Record<string, unknown>;
  if (typeof projectId !== 'string') return undefined;
  if (model !== undefined && typeof model !== 'string') return undefined;
  const ids = Array.isArray(versionIds) ? versionIds.filter((id): id is string => typeof id === 'string') : undefined;
  return { projectId, ...(model !== undefined && { model }), ...(ids && ids.length > 0 && { versionIds: ids }) };
}
