/**
 * Live job events over Redis pub/sub, so a client following a job on any API replica hears what
 * the training child on any worker machine reports. One channel per job; the messages are
 * hints, not the record: epochs carry their report (the row is written at most four times a
 * second, src/training/jobs/run.ts), a status message only says "read the row again". Nothing
 * is lost for good when a message is: streams re-read the job's stored progress at every
 * heartbeat, and a client resuming with Last-Event-ID replays from it.
 */
import { Redis } from 'ioredis';
import { DomainError, ServiceUnavailableError } from '../errors.ts';

/** One finished epoch as the stream sends it (the contract's `event: epoch`). */
export interface EpochEvent {
  epoch: number;
  loss: number | null;
  valLoss: number | null;
  metrics: Record<string, number>;
  elapsedMs: number | null;
}

export type JobEventMessage = { type: 'epoch'; epoch: EpochEvent } | { type: 'status'; status: string };

export const jobEventChannel = (prefix: string, jobId: string) => `${prefix}:job-events:${jobId}`;

/** An epoch as the training loop or the stored progress holds it, in the stream's shape. */
export function toEpochEvent(report: Record<string, unknown>): EpochEvent {
  const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
  const metrics: Record<string, number> = {};
  if (report.metrics && typeof report.metrics === 'object')
    for (const [name, value] of Object.entries(report.metrics as Record<string, unknown>))
      if (typeof value === 'number') metrics[name] = value;
  return {
    epoch: Number(report.epoch),
    loss: num(report.loss),
    valLoss: num(report.valLoss),
    metrics,
    elapsedMs: num(report.elapsedMs),
  };
}

/**
 * Where status changes and epochs are announced. Announcing never fails the caller: a lost
 * message costs a stream at most one heartbeat of delay.
 */
export interface JobEventPublisher {
  epoch(jobId: string, report: Record<string, unknown>): void;
  status(jobId: string, status: string): void;
}

export function redisJobEventPublisher(redis: Pick<Redis, 'publish'>, prefix: string): JobEventPublisher {
  const publish = (jobId: string, message: JobEventMessage) => {
    redis.publish(jobEventChannel(prefix, jobId), JSON.stringify(message)).catch(() => undefined);
  };
  return {
    epoch: (jobId, report) => publish(jobId, { type: 'epoch', epoch: toEpochEvent(report) }),
    status: (jobId, status) => publish(jobId, { type: 'status', status }),
  };
}

export interface JobEventHubOptions {
  redisUrl: string;
  prefix: string;
  /** Open streams one project may hold on this process. */
  perProject: number;
  /** Open streams this process holds at most, all projects together. */
  perProcess: number;
}

type Listener = (message: JobEventMessage) => void;

/**
 * One API process's side: a single subscriber connection shared by every open stream, with
 * channels subscribed while at least one stream listens, and the count of open streams per
 * project and in all, bounded by the configuration.
 */
export class JobEventHub {
  #subscriber: Redis | undefined;
  #ready: Promise<void> | undefined;
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #perProject = new Map<string, number>();
  #open = 0;

  constructor(private readonly opts: JobEventHubOptions) {}

  get openStreams(): number {
    return this.#open;
  }

  /** Takes a stream slot for the project; the returned function gives it back (once). */
  admit(projectId: string): () => void {
    const mine = this.#perProject.get(projectId) ?? 0;
    if (mine >= this.opts.perProject)
      throw new DomainError(
        'too_many_event_streams',
        `This project already has ${mine} open event streams on this instance (the limit); close one first.`,
        { extra: { limit: this.opts.perProject } },
      );
    if (this.#open >= this.opts.perProcess)
      throw new DomainError(
        'too_many_event_streams',
        'This instance holds as many event streams as it may; retry shortly or on another instance.',
        { extra: { limit: this.opts.perProcess } },
      );
    this.#perProject.set(projectId, mine + 1);
    this.#open++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#open--;
      const left = (this.#perProject.get(projectId) ?? 1) - 1;
      if (left > 0) this.#perProject.set(projectId, left);
      else this.#perProject.delete(projectId);
    };
  }

  /** Listens to a job's channel; resolves once Redis confirmed the subscription. The result unsubscribes. */
  async listen(jobId: string, listener: Listener): Promise<() => Promise<void>> {
    const channel = jobEventChannel(this.opts.prefix, jobId);
    const subscriber = await this.#connected();
    let set = this.#listeners.get(channel);
    if (!set) this.#listeners.set(channel, (set = new Set()));
    set.add(listener);
    if (set.size === 1) {
      try {
        await subscriber.subscribe(channel);
      } catch (error) {
        this.#drop(channel, listener);
        throw unavailable(error);
      }
    }
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      if (this.#drop(channel, listener)) await subscriber.unsubscribe(channel).catch(() => undefined);
    };
  }

  /** Channels this process is subscribed to (for tests and metrics). */
  get channels(): number {
    return this.#listeners.size;
  }

  /** Closes the subscriber connection (the app ends its streams first, on close). */
  async close(): Promise<void> {
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    this.#ready = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  /** Removes a listener; true when its channel has none left. */
  #drop(channel: string, listener: Listener): boolean {
    const set = this.#listeners.get(channel);
    if (!set) return false;
    set.delete(listener);
    if (set.size > 0) return false;
    this.#listeners.delete(channel);
    return true;
  }

  async #connected(): Promise<Redis> {
    if (!this.#subscriber) {
      const subscriber = new Redis(this.opts.redisUrl, {
        lazyConnect: true,
        // Commands while disconnected fail at once (the route answers 503); ioredis reconnects
        // and re-subscribes every channel by itself, and the streams' heartbeats re-read the
        // record for whatever was said meanwhile.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        retryStrategy: (times) => Math.min(times * 200, 2_000),
      });
      subscriber.on('error', () => undefined);
      subscriber.on('message', (channel: string, text: string) => {
        const set = this.#listeners.get(channel);
        if (!set) return;
        let message: JobEventMessage;
        try {
          message = JSON.parse(text) as JobEventMessage;
        } catch {
          return;
        }
        for (const listener of set) listener(message);
      });
      this.#subscriber = subscriber;
    }
    const subscriber = this.#subscriber;
    // Every stream waits for the one first connection (commands are not queued while connecting).
    this.#ready ??= subscriber.connect().catch((error: unknown) => {
      this.#ready = undefined;
      throw unavailable(error);
    });
    await this.#ready;
    return subscriber;
  }
}

function unavailable(error: unknown): ServiceUnavailableError {
  return new ServiceUnavailableError(
    'queue_unavailable',
    `Job events are unavailable: Redis did not answer (${(error as Error).message}).`,
    2,
  );
}
