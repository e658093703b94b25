import { describe, expect, it } from 'vitest';

import { checkpointInterruptions, interruptionPlan } from './interruption-plan.js';

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

describe('checkpointInterruptions', () => {
  const checkpoints = Array.from({ length: 10 }, (_, i) => `runs/a/step-${(i + 1) * 5}`);

  it('draws distinct checkpoints, kept in training order, with short seeded delays', () => {
    const plan = checkpointInterruptions(20, 4, checkpoints);
    expect(checkpointInterruptions(20, 4, checkpoints)).toEqual(plan);
    expect(checkpointInterruptions(21, 4, checkpoints)).not.toEqual(plan);
    const positions = plan.map((step) => checkpoints.indexOf(step.whenFile ?? ''));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(new Set(positions).size).toBe(4);
    expect([...positions].sort((x, y) => x - y)).toEqual(positions);
    for (const step of plan) expect(step.afterMs).toBeGreaterThanOrEqual(0);
    for (const step of plan) expect(step.afterMs).toBeLessThan(40);
    expect(plan.map((step) => step.signal)).toEqual(interruptionPlan(20, 4, 0, 40).map((step) => step.signal));
  });

  it('over many seeds, reaches every checkpoint', () => {
    const seen = new Set(Array.from({ length: 50 }, (_, seed) => checkpointInterruptions(seed, 2, checkpoints).map((step) => step.whenFile)).flat());
    expect(seen.size).toBe(checkpoints.length);
  });

  it('rejects fewer checkpoints than interruptions', () => {
    expect(() => checkpointInterruptions(1, 4, checkpoints.slice(0, 3))).toThrow(/at least count \(4\) checkpoints, got 3/);
  });
});
