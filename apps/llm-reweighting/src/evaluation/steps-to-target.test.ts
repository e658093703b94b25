import { ConfigError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { stepsToTarget } from './steps-to-target.js';

describe('stepsToTarget', () => {
  const curve = [
    { step: 0, loss: 4.2 },
    { step: 100, loss: 2.5 },
    { step: 200, loss: 2.0 },
    { step: 300, loss: 2.1 },
    { step: 400, loss: 1.9 },
  ];

  it('is the first evaluated step at or below the target, null when never reached', () => {
    expect(stepsToTarget(curve, 2.0)).toBe(200); // equal counts
    expect(stepsToTarget(curve, 2.05)).toBe(200);
    expect(stepsToTarget(curve, 1.95)).toBe(400);
    expect(stepsToTarget(curve, 5)).toBe(0);
    expect(stepsToTarget(curve, 1.8)).toBeNull();
    expect(stepsToTarget([], 1)).toBeNull();
  });

  it('does not depend on the order of the points and skips NaN losses', () => {
    expect(stepsToTarget([...curve].reverse(), 2.05)).toBe(200);
    expect(stepsToTarget([{ step: 0, loss: Number.NaN }, { step: 10, loss: 1 }], 2)).toBe(10);
  });

  it('names the bad argument', () => {
    expect(() => stepsToTarget(curve, Number.NaN)).toThrow(ConfigError);
    expect(() => stepsToTarget(curve, Number.NaN)).toThrow('target: must be a finite number, got NaN');
    expect(() => stepsToTarget([{ step: 1.5, loss: 1 }], 2)).toThrow('curve[0].step: must be an integer >= 0, got 1.5');
  });
});
