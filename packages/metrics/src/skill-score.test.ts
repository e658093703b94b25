import { describe, expect, it } from 'vitest';

import { observedMask } from './observed-mask.js';
import { regressionErrors } from './regression-errors.js';
import { skillScore } from './skill-score.js';
import { forecastReference, targetsWithNaN } from './test-support/forecast-reference.js';
import { seededRandom } from './test-support/random.js';

describe('skillScore', () => {
  it('matches the example worked by hand', () => {
    // y = (0, 0, 0, 0); forecast errors (1, −1, 1, −1): MSE 1, MAE 1; reference errors (2, 2, −2, −2): MSE 4, MAE 2.
    const y = [0, 0, 0, 0];
    const f = [1, -1, 1, -1];
    const r = [2, 2, -2, -2];
    expect(skillScore(y, f, r)).toBe(1 - 1 / 4);
    expect(skillScore(y, f, r, { error: 'mse' })).toBe(0.75);
    expect(skillScore(y, f, r, { error: 'mae' })).toBe(0.5);
    expect(skillScore(y, f, r, { error: 'rmse' })).toBe(0.5);
    expect(skillScore(y, r, f)).toBe(1 - 4); // worse than the reference: negative
  });

  it.each(forecastReference.cases)('matches the NumPy reference, weighted, missing targets masked (seed $seed)', (c) => {
    const targets = targetsWithNaN(c);
    const options = { mask: observedMask(targets), weights: c.weights };
    expect(skillScore(targets, c.predictions, c.persistence, options)).toBeCloseTo(c.skillWeighted.mse, 12);
    expect(skillScore(targets, c.predictions, c.persistence, { ...options, error: 'mae' })).toBeCloseTo(c.skillWeighted.mae, 12);
    expect(skillScore(targets, c.predictions, c.persistence, { ...options, error: 'rmse' })).toBeCloseTo(c.skillWeighted.rmse, 12);
  });

  it('is 0 for the reference against itself, 1 for a perfect forecast, and RMSE skill = 1 − √(1 − MSE skill)', () => {
    const rand = seededRandom(5);
    for (let trial = 0; trial < 20; trial += 1) {
      const n = 5 + Math.floor(30 * rand());
      const y = Array.from({ length: n }, () => 200 * rand());
      const f = y.map((v) => v + 40 * (rand() - 0.5));
      const r = y.map((v) => v + 80 * (rand() - 0.5));
      const weights = Array.from({ length: n }, () => rand());
      for (const error of ['mse', 'mae', 'rmse'] as const) {
        expect(skillScore(y, r, r, { error, weights })).toBe(0);
        expect(skillScore(y, y, r, { error, weights })).toBe(1);
      }
      const mse = skillScore(y, f, r, { weights });
      expect(skillScore(y, f, r, { weights, error: 'rmse' })).toBeCloseTo(1 - Math.sqrt(1 - mse), 12);
      expect(mse).toBeCloseTo(1 - regressionErrors(y, f, { weights }).mse / regressionErrors(y, r, { weights }).mse, 14);
    }
  });

  it('defines the edge cases: a perfect reference gives −Infinity (or NaN with a perfect forecast), nothing evaluated NaN', () => {
    expect(skillScore([1, 2], [1, 3], [1, 2])).toBe(-Infinity);
    expect(skillScore([1, 2], [1, 2], [1, 2])).toBeNaN();
    expect(skillScore([Number.NaN], [1], [1], { mask: [0] })).toBeNaN();
  });

  it('rejects bad arguments, naming them', () => {
    expect(() => skillScore([1, 2], [1, 2], [1])).toThrow("skillScore: argument 'reference' has 1 values, expected 2 (one per target)");
    expect(() => skillScore([1, 2], [1, 2], [1, Number.NaN])).toThrow(/'reference'\[1\] is NaN/);
    expect(skillScore([1, 2], [1, 2], [Number.NaN, 3], { mask: [0, 1] })).toBe(1); // persistence without history: masked
    expect(() => skillScore([1], [1], [2], { error: 'mape' as 'mae' })).toThrow("skillScore: argument 'options.error' must be one of 'mse', 'mae', 'rmse', got 'mape'");
  });
});
