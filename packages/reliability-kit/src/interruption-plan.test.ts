import { describe, expect, it } from 'vitest';

import { interruptionPlan } from './interruption-plan.js';

describe('interruptionPlan', () => {
  it('is fixed by its seed, alternates signals and stays in range', () => {
    const plan = interruptionPlan(7, 6, 100, 900);
    expect(interruptionPlan(7, 6, 100, 900)).toEqual(plan);
    expect(interruptionPlan(8, 6, 100, 900)).not.toEqual(plan);
    for (const [i, step] of plan.entries()) {
      expect(step.afterMs).toBeGreaterThanOrEqual(100);
      expect(step.afterMs).toBeLessThan(900);
      expect(step.signal).not.toBe(plan[i + 1]?.signal);
    }
  });

  it('rejects a bad count or range', () => {
    expect(() => interruptionPlan(1, 0, 0, 1)).toThrow(/count/);
    expect(() => interruptionPlan(1, 1, 5, 5)).toThrow(/minMs < maxMs/);
  });
});
