import type { AliasRouting, RoutedVersion } from '../registry/alias-routing.ts';

/** FNV-1a (32 bits) of a routing key, as a point in [0, 1): the same key, the same point. */
export function routingPoint(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 4294967296;
}

/**
 * The version of a split that serves a request: the one whose share of the weights holds the
 * request's point, the hash of its routing key when it has one (so a caller's key always lands
 * on the same version while the split stands, and keeps doing so for the keys whose share did
 * not move when the weights change), else a random draw.
 */
export function chooseSplitVersion(
  split: NonNullable<AliasRouting['split']>,
  routingKey: string | undefined,
  random: () => number,
): RoutedVersion {
  const total = split.reduce((sum, entry) => sum + entry.weight, 0);
  const target = (routingKey === undefined ? random() : routingPoint(routingKey)) * total;
  let reached = 0;
  for (const entry of split) {
    reached += entry.weight;
    if (target < reached) return entry;
  }
  // Only rounding can get here: the last version with a weight.
  return [...split].reverse().find((entry) => entry.weight > 0)!;
}
