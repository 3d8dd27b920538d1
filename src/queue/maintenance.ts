/**
 * A worker's maintenance round (re-enqueueing lost jobs, sweeps, reconciliations): run at once,
 * then every `everyMs` (0: only the first), one round at a time, a round that overruns delaying
 * the next rather than overlapping it. `stop()` ends the schedule at once and resolves when the
 * round in flight, if any, is done.
 */
export function startMaintenance(round: () => Promise<void>, everyMs: number): { stop(): Promise<void> } {
  let running = round();
  const timer = everyMs > 0 ? setInterval(() => void (running = running.then(round)), everyMs) : undefined;
  return {
    stop() {
      clearInterval(timer);
      return running;
    },
  };
}
