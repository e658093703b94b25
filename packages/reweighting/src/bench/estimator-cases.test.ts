import { describe, expect, it } from 'vitest';

import { ESTIMATOR_NAMES } from './bench-options.js';
import { ESTIMATOR_CASES } from './estimator-cases.js';

describe('ESTIMATOR_CASES (not timed: each timed call is a complete, working fit)', () => {
  it('covers every estimator name, each with a design and a fit description', () => {
    expect(Object.keys(ESTIMATOR_CASES).sort()).toEqual([...ESTIMATOR_NAMES].sort());
    for (const name of ESTIMATOR_NAMES) {
      expect(ESTIMATOR_CASES[name].design.length).toBeGreaterThan(10);
      expect(ESTIMATOR_CASES[name].fit.length).toBeGreaterThan(10);
    }
  });

  it('fits at a small n with finite diagnostics, converged solvers, and the same result for the same seed', () => {
    for (const name of ESTIMATOR_NAMES) {
      const c = ESTIMATOR_CASES[name];
      const n = c.family === 'kernel' ? 40 : 300;
      const summary = c.prepare(n, 1)();
      expect(Object.keys(summary).length, name).toBeGreaterThan(0);
      for (const [key, value] of Object.entries(summary)) {
        if (typeof value === 'number') expect(Number.isFinite(value), `${name}.${key}`).toBe(true);
        else expect(value, `${name}.${key}`).toBe(true); // the booleans are convergence flags
      }
      expect(c.prepare(n, 1)(), name).toEqual(summary);
    }
  });

  it('reports weights and effects of the right size on their designs', () => {
    // Classifier weights on the source rows have mean ≈ 1 (E_source[r] = 1); a margin of 0.25 at n = 300.
    for (const name of ['classifier-linear', 'classifier-quadratic', 'classifier-isotonic'] as const) {
      expect(Math.abs((ESTIMATOR_CASES[name].prepare(300, 2)()['meanWeight'] as number) - 1), name).toBeLessThan(0.25);
    }
    // Nie–Wager A: τ = (X₁ + X₂)/2 with X ~ U[0,1]⁶, so the mean effect is 0.5.
    expect(Math.abs((ESTIMATOR_CASES['r-learner'].prepare(300, 2)()['meanTau'] as number) - 0.5)).toBeLessThan(0.25);
    // Both mechanisms shift: the attributed changes are positive (closed forms 0.65 and 1.04, observed change 1.69).
    const a = ESTIMATOR_CASES['shift-attribution'].prepare(300, 2)();
    expect(a['phiX'] as number).toBeGreaterThan(0.2);
    expect(a['phiYgivenX'] as number).toBeGreaterThan(0.5);
    expect(Math.abs((a['observedChange'] as number) - 1.69)).toBeLessThan(0.5);
  });
});
