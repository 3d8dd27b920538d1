import { describe, expect, it } from 'vitest';
import { racedForwardPass, SCORE_ROWS } from './batch-scorer.ts';

/**
 * Two passes that tell which of them ran (each writes its own mark per row) and cost what a
 * clock of the test's own says: the race is decided by those costs, not by this machine's speed.
 */
function race(costs: { javascript: (run: number) => number; tensorflow: (run: number) => number }) {
  let clock = 0;
  const ran: string[] = [];
  const pass = (side: 'javascript' | 'tensorflow', mark: number) => {
    let run = 0;
    return (_x: Float32Array, rows: number) => {
      clock += costs[side](run++);
      ran.push(side);
      return new Float32Array(rows).fill(mark);
    };
  };
  const forward = racedForwardPass(pass('javascript', 1), pass('tensorflow', 2), () => clock);
  const full = new Float32Array(SCORE_ROWS);
  return {
    ran,
    /** Runs `count` full passes; the mark each answered with. */
    full: (count: number) => Array.from({ length: count }, () => forward(full, SCORE_ROWS)[0]),
    small: (rows: number) => forward(new Float32Array(rows), rows)[0],
  };
}

describe('racedForwardPass', () => {
  it('runs passes under SCORE_ROWS rows in JavaScript, before and after the race', () => {
    const r = race({ javascript: () => 5, tensorflow: () => 1 });
    expect(r.small(1)).toBe(1);
    expect(r.small(SCORE_ROWS - 1)).toBe(1);
    r.full(10);
    expect(r.small(100)).toBe(1);
  });

  it('alternates full passes, each scoring its rows, until the faster leads; the other runs now and then', () => {
    const r = race({ javascript: () => 2, tensorflow: () => 1 });
    // Two uncounted and ten counted runs each, then TensorFlow.js (1 < 2) leads.
    expect(r.full(24)).toEqual(Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? 2 : 1)));
    const after = r.full(300);
    // JavaScript, twice as slow, runs again after 2 x 64 passes, then 128 passes later.
    const javascriptAt = after.flatMap((mark, i) => (mark === 1 ? [24 + i + 1] : []));
    expect(javascriptAt).toEqual([152, 280]);
  });

  it("does not count a pass's first runs: slow first JavaScript runs do not lose it the race", () => {
    const r = race({ javascript: (run) => (run < 2 ? 100 : 1), tensorflow: () => 2 });
    r.full(24);
    expect(r.full(3)).toEqual([1, 1, 1]);
  });

  it('picks the leader at once when one best run is several times the other', () => {
    const r = race({ javascript: () => 40, tensorflow: () => 1 });
    // Two uncounted runs each, then one counted each: 40 against 1 settles it.
    expect(r.full(8)).toEqual([2, 1, 2, 1, 2, 1, 2, 2]);
    // Led from the sixth pass, the slow pass runs again only 64 x 40 passes later: its run
    // costs about 1/64 of the passes' time in between.
    expect(r.full(6 + 64 * 40 - 1 - 8).every((mark) => mark === 2)).toBe(true);
    expect(r.full(1)).toEqual([1]);
  });

  it('hands the lead to the other pass when a recheck finds it faster now', () => {
    // TensorFlow.js slower through the race and its first recheck, then four times faster.
    const r = race({ javascript: () => 1, tensorflow: (run) => (run < 13 ? 2 : 0.25) });
    const marks = r.full(300);
    const tensorflowAt = marks.flatMap((mark, i) => (mark === 2 && i >= 24 ? [i + 1] : []));
    // Rechecks at passes 152 and 280; the second finds it faster, and it leads from there.
    expect(tensorflowAt[0]).toBe(152);
    expect(tensorflowAt.slice(1)).toEqual(Array.from({ length: 300 - 279 }, (_, i) => 280 + i));
  });
});
