import { describe, expect, it } from 'vitest';

import { fitLossToLoss, lossToLossPredict } from './loss-to-loss.js';
import { TRUE_LOSS_TO_LOSS, scalingSeries } from './test-support/scaling-data.js';

describe('fitLossToLoss', () => {
  it('recovers K and κ exactly from noise-free pairs at the given shifts, and fits them with R² ≈ 1 when searching', () => {
    const { loss0, loss1 } = scalingSeries(20, 1, 0, 0);
    const given = fitLossToLoss(loss0, loss1, { e0: 1.8, e1: 2.2, bootstrap: { resamples: 0 } });
    expect(Math.abs(given.parameters.K / TRUE_LOSS_TO_LOSS.K - 1)).toBeLessThan(1e-9);
    expect(Math.abs(given.parameters.kappa - TRUE_LOSS_TO_LOSS.kappa)).toBeLessThan(1e-9);
    expect(given.searched).toEqual({ E0: false, E1: false });
    expect(given.gridStep).toEqual({ E0: 0, E1: 0 });
    const searched = fitLossToLoss(loss0, loss1, { bootstrap: { resamples: 0 } });
    expect(searched.searched).toEqual({ E0: true, E1: true });
    expect(searched.gridStep.E0).toBeCloseTo(Math.min(...loss0) / 99, 12);
    expect(searched.rSquared).toBeGreaterThan(1 - 1e-5);
    // the grid optimum is at least as good as the grid point nearest the truth, in the selection criterion
    expect(searched.mse).toBeLessThanOrEqual(given.mse + 1e-3);
    const pred = lossToLossPredict(searched.parameters, loss0);
    pred.forEach((p, i) => expect(Math.abs(p - (loss1[i] ?? 0))).toBeLessThan(5e-3));
  });

  it('recovers known parameters from seeded noisy data within 3 bootstrap standard errors', () => {
    for (const seed of [1, 2, 3]) {
      const { loss0, loss1 } = scalingSeries(30, seed);
      const given = fitLossToLoss(loss0, loss1, { e0: 1.8, e1: 2.2, bootstrap: { resamples: 100, seed } });
      for (const key of ['K', 'kappa'] as const) {
        expect(Math.abs(given.parameters[key] - TRUE_LOSS_TO_LOSS[key]), `${key}, seed ${seed}`).toBeLessThanOrEqual(3 * given.standardErrors[key]);
        expect(given.standardErrors[key]).toBeLessThan(0.02);
      }
      expect(given.standardErrors.E0).toBe(0);
      expect(given.rSquared).toBeGreaterThan(0.99);
      // both shifts searched (the reference's 100 × 100 grid): the four parameters trade off, and the bootstrap says so
      const searched = fitLossToLoss(loss0, loss1, { bootstrap: { resamples: 60, seed } });
      for (const key of ['K', 'kappa', 'E0', 'E1'] as const) {
        expect(Math.abs(searched.parameters[key] - TRUE_LOSS_TO_LOSS[key]), `${key}, seed ${seed}`).toBeLessThanOrEqual(3 * searched.standardErrors[key]);
      }
      expect(searched.standardErrors.kappa).toBeGreaterThan(given.standardErrors.kappa);
    }
  });

  it('rejects bad input naming the argument and index', () => {
    const x = [4, 3.5, 3.2, 3.0, 2.9];
    const y = [5, 4.4, 4.1, 3.9, 3.8];
    expect(() => fitLossToLoss(x.slice(0, 4), y.slice(0, 4))).toThrow("fitLossToLoss: argument 'loss0' must hold at least 5 points (4 parameters are fitted), got 4");
    expect(() => fitLossToLoss(x.slice(0, 2), y.slice(0, 2), { e0: 1, e1: 1 })).toThrow(/'loss0' must hold at least 3 points \(2 parameters/);
    expect(() => fitLossToLoss([4, 3.5, Number.NaN, 3, 2.9], y)).toThrow("fitLossToLoss: argument 'loss0' must be finite, got NaN at index 2");
    expect(() => fitLossToLoss(x, [5, 4.4, 0, 3.9, 3.8])).toThrow(/'loss1' must be > 0 \(it is taken in logs\), got 0 at index 2/);
    expect(() => fitLossToLoss(x, y.slice(0, 4))).toThrow(/'loss1' has 4 entries, expected 5/);
    expect(() => fitLossToLoss(x, y, { e0: 2.9 })).toThrow(/'options.e0' must be a finite number below min 'loss0' \(2.9\), got 2.9/);
    expect(() => fitLossToLoss(x, y, { e1: Number.NaN })).toThrow(/'options.e1' must be a finite number below min 'loss1'/);
    expect(() => fitLossToLoss([3, 3, 3, 2, 2], y)).toThrow(/'loss0' must hold at least 3 distinct values/);
    expect(() => fitLossToLoss(x, y, { gridSize: 1 })).toThrow(/'options.gridSize' must be an integer >= 2/);
  });
});
