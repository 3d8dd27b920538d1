/**
 * The highest resident set size a process reached while a piece of work ran: sampled when
 * asked (the training loop asks before every batch, through `sampleSoon`) and on a timer for
 * the stretches between (reading the table, evaluating). Work that blocks the event loop is
 * covered by the calls.
 */
export class PeakRss {
  private peak = 0;
  private sampledAt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(everyMs = 100) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  /**
   * sample() unless one ran in the last `intervalMs`: reading the RSS costs tens of µs, a
   * quarter of a small model's training step when it ran before every batch.
   */
  sampleSoon(intervalMs = 10): void {
    if (Date.now() - this.sampledAt >= intervalMs) this.sample();
  }

  /** Reads the RSS now; returns it in bytes. */
  sample(): number {
    this.sampledAt = Date.now();
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
    return rss;
  }

  /** The peak in MB (one decimal), sampling once more. */
  get peakMb(): number {
    this.sample();
    return Math.round((this.peak / 1024 ** 2) * 10) / 10;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
