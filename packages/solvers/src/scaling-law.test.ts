import { describe, expect, it } from 'vitest';

import { SolverArgumentError } from './errors.js';
import { fitScalingLaw, scalingLawPredict } from './scaling-law.js';
import { TRUE_LAW, scalingSeries } from './test-support/scaling-data.js';

describe('fitScalingLaw', () => {
  it('recovers exact parameters from noise-free data (R² = 1), from compute scales far from the reference grid too', () => {
    const { compute, loss0 } = scalingSeries(20, 1, 0, 0);
    const fit = fitScalingLaw(compute, loss0, { bootstrap: { resamples: 0 } });
    expect(fit.converged).toBe(true);
    expect(Math.abs(fit.parameters.E / TRUE_LAW.E - 1)).toBeLessThan(1e-6);
    expect(Math.abs(fit.parameters.A / TRUE_LAW.A - 1)).toBeLessThan(1e-5);
    expect(Math.abs(fit.parameters.alpha - TRUE_LAW.alpha)).toBeLessThan(1e-7);
    expect(fit.rSquared).toBeGreaterThan(1 - 1e-12);
    expect(fit.rmse).toBeLessThan(1e-8);
    expect(Number.isNaN(fit.standardErrors.E)).toBe(true);
    // tokens instead of FLOPs: C in 1e3 … 1e6, L = 2.5 + 40·C^(−0.3)
    const tokens = Array.from({ length: 12 }, (_, i) => 1e3 * Math.pow(1e3, i / 11));
    const small = fitScalingLaw(tokens, scalingLawPredict({ E: 2.5, A: 40, alpha: 0.3 }, tokens), { bootstrap: { resamples: 0 } });
    expect(Math.abs(small.parameters.alpha - 0.3)).toBeLessThan(1e-6);
    expect(Math.abs(small.parameters.E - 2.5)).toBeLessThan(1e-6);
  });

  it('recovers known parameters from seeded noisy data within 3 bootstrap standard errors (5 seeds), with informative errors', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { compute, loss0 } = scalingSeries(30, seed);
      const fit = fitScalingLaw(compute, loss0, { bootstrap: { resamples: 100, seed } });
      expect(fit.resamples).toBe(100);
      for (const key of ['E', 'A', 'alpha'] as const) {
        expect(Math.abs(fit.parameters[key] - TRUE_LAW[key]), `${key}, seed ${seed}`).toBeLessThanOrEqual(3 * fit.standardErrors[key]);
        const [low, high] = fit.intervals95[key];
        expect(low).toBeLessThan(high);
      }
      expect(fit.standardErrors.alpha).toBeLessThan(0.02);
      expect(fit.standardErrors.E).toBeLessThan(0.2);
      expect(fit.rSquared).toBeGreaterThan(0.99);
      expect(fit.rmse).toBeLessThan(0.03);
    }
  });

  it('is deterministic for a seed', () => {
    const { compute, loss0 } = scalingSeries(12, 9);
    const a = fitScalingLaw(compute, loss0, { bootstrap: { resamples: 20, seed: 4 } });
    const b = fitScalingLaw(compute, loss0, { bootstrap: { resamples: 20, seed: 4 } });
    expect(a.standardErrors).toEqual(b.standardErrors);
    expect(a.parameters).toEqual(b.parameters);
  });

  it('rejects bad input naming the argument and index', () => {
    const c = [1, 10, 100, 1000, 1e4];
    const l = [5, 4, 3.5, 3.2, 3.1];
    expect(() => fitScalingLaw([1, 10, 100], [3, 2, 1])).toThrow("fitScalingLaw: argument 'compute' must hold at least 4 points (3 parameters are fitted), got 3");
    expect(() => fitScalingLaw([1, 10, 0, 1000, 1e4], l)).toThrow("fitScalingLaw: argument 'compute' must be > 0 (it is taken in logs), got 0 at index 2");
    expect(() => fitScalingLaw([1, 10, -5, 1000, 1e4], l)).toThrow(/'compute' must be > 0/);
    expect(() => fitScalingLaw(c, [5, Number.NaN, 3.5, 3.2, 3.1])).toThrow("fitScalingLaw: argument 'loss' must be finite, got NaN at index 1");
    expect(() => fitScalingLaw(c, [5, 4, 3.5, 3.2])).toThrow(/'loss' has 4 entries, expected 5/);
    expect(() => fitScalingLaw(c, [5, 4, 3.5, 3.2, -1])).toThrow(/'loss' must be > 0/);
    expect(() => fitScalingLaw([1, 1, 10, 10, 10], l)).toThrow(/'compute' must hold at least 3 distinct values/);
    expect(() => fitScalingLaw(c, l, { huberDelta: 0 })).toThrow(/'options.huberDelta' must be a positive number/);
    expect(() => fitScalingLaw(c, l, { bootstrap: { resamples: 5 } })).toThrow(/'options.bootstrap.resamples' must be 0 \(off\) or an integer >= 20/);
    expect(() => fitScalingLaw(c, l, { bootstrap: { seed: -1 } })).toThrow(SolverArgumentError);
  });
});
