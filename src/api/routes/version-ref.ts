import type { VersionRef } from '../../registry/model-registry.ts';

/** Path parameters of the serving routes: a model, and a version or an alias of it, or neither. */
export type VersionParams = { name: string; version?: number; alias?: string };

/** What the path names: a version, an alias, or neither, meaning the production alias, else the newest version. */
export function refOf(params: VersionParams): VersionRef {
  if (params.version !== undefined) return { version: params.version };
  if (params.alias !== undefined) return { alias: params.alias };
  return { latest: true };
}
