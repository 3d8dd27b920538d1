// @fastify/rate-limit ships its Redis store without types; this is the part we use.
declare module '@fastify/rate-limit/store/RedisStore.js' {
  import type { Redis } from 'ioredis';

  export default class RedisStore {
    constructor(continueExceeding: boolean, exponentialBackoff: boolean, redis: Redis, key?: string);
    readonly key: string;
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void): void;
    child(params: object): RedisStore;
  }
}
