import type { ServerResponse } from 'node:http';
import { ServiceUnavailableError } from '../errors.ts';

/**
 * Graceful shutdown of the HTTP API. Once draining, the app keeps listening but answers every
 * new request 503 problem+json `shutting_down` (so a load balancer moves on and clients retry
 * elsewhere), while the requests already in flight finish.
 */
export class Drain {
  #draining = false;
  #inFlight = 0;
  #drained: (() => void) | undefined;
  readonly #onStart = new Set<() => void>();

  get draining(): boolean {
    return this.#draining;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Lets a request in and counts it until its response closes; refuses it while draining. */
  admit(response: ServerResponse): void {
    if (this.#draining)
      throw new ServiceUnavailableError(
        'shutting_down',
        'The service is shutting down; retry shortly or on another instance.',
        1,
      );
    this.#inFlight++;
    // 'close' fires whether the response finished or the client went away.
    response.once('close', () => {
      if (--this.#inFlight === 0) this.#drained?.();
    });
  }

  /**
   * Calls `listener` when draining starts: long-lived answers (event streams) end then, and
   * their clients resume on another instance, instead of holding the drain to its limit.
   * The result unregisters it.
   */
  onStart(listener: () => void): () => void {
    this.#onStart.add(listener);
    return () => this.#onStart.delete(listener);
  }

  /** Starts draining; resolves once no request is in flight, or after `limitMs` at the latest. */
  async start(limitMs: number): Promise<void> {
    this.#draining = true;
    for (const listener of [...this.#onStart]) listener();
    if (this.#inFlight === 0) return;
    await new Promise<void>((resolve) => {
      this.#drained = resolve;
      setTimeout(resolve, limitMs).unref();
    });
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's drain (see {@link Drain}), started by the server before it closes. */
    drain: Drain;
  }
}
