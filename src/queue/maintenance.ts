/**
 * A worker's maintenance round (re-enqueueing lost jobs, sweeps, reconciliations): run after
 * `delayMs` (0: at once), then every `everyMs` (0: only the first), one round at a time, a round
 * that overruns delaying the next rather than overlapping it. `stop()` ends the schedule at once
 * and resolves when the round in flight, if any, is done.
 */
export function startMaintenance(round: () => Promise<void>, everyMs: number, delayMs = 0): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const begin = () => {
    running = round();
    if (everyMs > 0) timer = setInterval(() => void (running = running.then(round)), everyMs);
  };
  const delay = delayMs > 0 ? setTimeout(begin, delayMs) : undefined;
  if (delay === undefined) begin();
  return {
    stop() {
      clearTimeout(delay);
      clearInterval(timer);
      return running;
    },
  };
}
