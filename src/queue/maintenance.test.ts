import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startMaintenance } from './maintenance.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** A round that counts its runs. */
function counted() {
  const counter = { runs: 0 };
  const round = async () => void (counter.runs += 1);
  return { counter, round };
}

describe('startMaintenance', () => {
  it('runs the first round at once, then every interval', async () => {
    const { counter, round } = counted();
    const maintenance = startMaintenance(round, 1_000);
    expect(counter.runs).toBe(1);
    await vi.advanceTimersByTimeAsync(2_500);
    expect(counter.runs).toBe(3);
    await maintenance.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(counter.runs).toBe(3);
  });

  it('runs the first round after the delay, then every interval from there', async () => {
    const { counter, round } = counted();
    const maintenance = startMaintenance(round, 1_000, 5_000);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(counter.runs).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(counter.runs).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(counter.runs).toBe(2);
    await maintenance.stop();
  });

  it('runs nothing when stopped before the delay ends, and runs a delayed round once with no interval', async () => {
    const early = counted();
    await startMaintenance(early.round, 1_000, 5_000).stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(early.counter.runs).toBe(0);

    const once = counted();
    const maintenance = startMaintenance(once.round, 0, 5_000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(once.counter.runs).toBe(1);
    await maintenance.stop();
  });
});
