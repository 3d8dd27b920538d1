import type { RouteChange } from '../registry/route-changes.ts';
import type { ResolvedVersion } from './version-resolver.ts';

export interface RouteCacheOptions {
  /** How long a resolution is trusted without a notice; 0 turns the cache off. */
  ttlMs: number;
  /** Most resolutions kept; past it the cache starts over. Default 10,000. */
  maxEntries?: number;
}

interface Entry {
  resolved: ResolvedVersion;
  until: number;
}

const modelKey = (projectId: string, model: string) => `${projectId}\u0000${model}`;

/**
 * Alias and default-version resolutions of this process, by project, model and alias (`''`
 * for the default), so a prediction by alias costs no database query once warm.
 *
 * It only keeps anything while `live`: while route-change notices reach this process
 * (src/serving/route-change-listener.ts). Going offline drops everything, so whatever was
 * said meanwhile is read again. A read that began before an invalidation is answered but not
 * kept (the generation check), so a resolution older than a notice never outlives it; and a
 * request after an invalidation never joins a read begun before it.
 */
export class RouteCache {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #models = new Map<string, Map<string, Entry>>();
  readonly #reading = new Map<string, Promise<ResolvedVersion>>();
  #size = 0;
  #generation = 0;
  #live = false;
  #reads = 0;

  constructor(options: RouteCacheOptions) {
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  /** Resolutions held now. */
  get size(): number {
    return this.#size;
  }

  /** Resolutions read from the database so far (misses, and every request while not live). */
  get reads(): number {
    return this.#reads;
  }

  get live(): boolean {
    return this.#live;
  }

  /** Starts keeping resolutions (notices arrive) or stops and drops them all (they may not). */
  setLive(live: boolean): void {
    if (!live) this.clear();
    this.#live = live;
  }

  /** The cached resolution of `(projectId, model, ref)`, else `read()`'s, kept when still valid. */
  resolve(
    projectId: string,
    model: string,
    ref: string,
    read: () => Promise<ResolvedVersion>,
  ): Promise<ResolvedVersion> {
    if (!this.#live || this.#ttlMs <= 0) return this.#read(read);
    const models = modelKey(projectId, model);
    const entry = this.#models.get(models)?.get(ref);
    if (entry !== undefined) {
      if (entry.until > performance.now()) return Promise.resolve(entry.resolved);
      this.#delete(models, ref);
    }
    const key = `${models}\u0000${ref}`;
    const running = this.#reading.get(key);
    if (running !== undefined) return running;
    const generation = this.#generation;
    const reading = this.#read(read)
      .then((resolved) => {
        if (generation === this.#generation && this.#live) this.#store(models, ref, resolved);
        return resolved;
      })
      .finally(() => {
        if (this.#reading.get(key) === reading) this.#reading.delete(key);
      });
    this.#reading.set(key, reading);
    return reading;
  }

  /** Drops the resolutions a change touches: the model's, or the whole project's. */
  invalidate(change: RouteChange): void {
    this.#generation += 1;
    const models = change.model === undefined ? undefined : modelKey(change.projectId, change.model);
    const project = `${change.projectId}\u0000`;
    for (const [key, refs] of this.#models)
      if (models === undefined ? key.startsWith(project) : key === models) {
        this.#size -= refs.size;
        this.#models.delete(key);
      }
    const reading = models === undefined ? project : `${models}\u0000`;
    for (const key of this.#reading.keys()) if (key.startsWith(reading)) this.#reading.delete(key);
  }

  /** Drops every resolution. */
  clear(): void {
    this.#generation += 1;
    this.#models.clear();
    this.#reading.clear();
    this.#size = 0;
  }

  #read(read: () => Promise<ResolvedVersion>): Promise<ResolvedVersion> {
    this.#reads += 1;
    return read();
  }

  #store(models: string, ref: string, resolved: ResolvedVersion): void {
    if (this.#size >= this.#maxEntries) this.clear();
    let refs = this.#models.get(models);
    if (refs === undefined) this.#models.set(models, (refs = new Map()));
    if (!refs.has(ref)) this.#size += 1;
    refs.set(ref, { resolved, until: performance.now() + this.#ttlMs });
  }

  #delete(models: string, ref: string): void {
    const refs = this.#models.get(models);
    if (refs?.delete(ref)) this.#size -= 1;
    if (refs?.size === 0) this.#models.delete(models);
  }
}
