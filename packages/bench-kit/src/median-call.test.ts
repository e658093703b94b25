import { describe, expect, it } from 'vitest';

import { medianCallMilliseconds } from './median-call.js';

/**
 * A fake clock and a call that advances it: call k (0-based, warm-ups included) takes `costs(k)` ms. Nothing else
 * moves the clock, so the expected result can be worked out by hand.
 */
function fakeTimedCall(costs: (k: number) => number): { call: () => Promise<void>; now: () => number; calls: () => number } {
  let clock = 0;
  let k = 0;
  return {
    call: () => {
      clock += costs(k);
      k += 1;
      return Promise.resolve();
    },
    now: () => clock,
    calls: () => k,
  };
}

describe('medianCallMilliseconds', () => {
  it('doubles the calls per repetition until one lasts minSeconds, then returns the median per-call time', async () => {
    // Every call takes 3 ms; minSeconds 0.01 (10 ms): calibration runs 1 (3 ms), 2 (6 ms), 4 (12 ms ≥ 10) calls.
    const timed = fakeTimedCall(() => 3);
    const ms = await medianCallMilliseconds(timed.call, 0.01, 5, { now: timed.now });
    expect(ms).toBe(3);
    // 2 warm-ups + calibration 1 + 2 + 4 + 5 repetitions × 4 calls.
    expect(timed.calls()).toBe(2 + 1 + 2 + 4 + 5 * 4);
  });

  it('takes the median over repetitions, so one slow repetition does not move it', async () => {
    // Calls 0–2 (warm-ups, calibration of 1 call with minSeconds 0) cost 1 ms; then repetitions of 1 call each cost
    // 2, 2, 50, 2, 4 ms: the median is 2.
    const repetitionCosts = [2, 2, 50, 2, 4];
    const timed = fakeTimedCall((k) => (k < 3 ? 1 : (repetitionCosts[k - 3] ?? Number.NaN)));
    expect(await medianCallMilliseconds(timed.call, 0, 5, { now: timed.now })).toBe(2);
  });

  it('stops doubling at maxCalls', async () => {
    const timed = fakeTimedCall(() => 0.001);
    expect(await medianCallMilliseconds(timed.call, 10, 1, { now: timed.now, maxCalls: 8 })).toBeCloseTo(0.001, 12);
    // 2 warm-ups + calibration 1 + 2 + 4 + 8 + one repetition of 8.
    expect(timed.calls()).toBe(2 + 15 + 8);
  });
});
