import { describe, expect, it } from 'vitest';

import { exceedanceErrors, topQuantileErrors, type ExtremeErrors } from './extreme-errors.js';
import { observedMask } from './observed-mask.js';
import { regressionErrors } from './regression-errors.js';
import { forecastReference, targetsWithNaN, type ReferenceErrors } from './test-support/forecast-reference.js';

function expectErrors(actual: ExtremeErrors, expected: ReferenceErrors): void {
  expect(actual.count).toBe(expected.count);
  expect(actual.mae).toBeCloseTo(expected.mae, 10);
  expect(actual.rmse).toBeCloseTo(expected.rmse, 10);
  expect(actual.meanError).toBeCloseTo(expected.meanError, 10);
}

describe('exceedanceErrors', () => {
  it('selects by the observed value, inclusive, worked by hand', () => {
    // y ≥ 75: (75, 60), (160, 100), (200, 210) → errors −15, −60, 10: MAE 85/3, ME −65/3. ≥ 150: −60, 10.
    const y = [10, 75, 160, 200, 74.9, Number.NaN];
    const f = [90, 60, 100, 210, 80, 500];
    const mask = observedMask(y);
    const at75 = exceedanceErrors(y, f, 75, { mask });
    expect([at75.threshold, at75.count, at75.mae, at75.meanError]).toEqual([75, 3, 85 / 3, -65 / 3]);
    const at150 = exceedanceErrors(y, f, 150, { mask });
    expect([at150.count, at150.mae, at150.mse]).toEqual([2, 35, (3600 + 100) / 2]);
    const none = exceedanceErrors(y, f, 250, { mask });
    expect(none.count).toBe(0);
    expect(none.mae).toBeNaN();
  });

  it.each(forecastReference.cases)('matches the NumPy reference at 75 and 150 µg/m³ (seed $seed)', (c) => {
    const targets = targetsWithNaN(c);
    const mask = observedMask(targets);
    expectErrors(exceedanceErrors(targets, c.predictions, 75, { mask }), c.extremes['75.0']);
    expectErrors(exceedanceErrors(targets, c.predictions, 150, { mask }), c.extremes['150.0']);
  });

  it('equals the overall errors at a threshold below every target', () => {
    const c = forecastReference.cases[0];
    if (c === undefined) throw new Error('reference has no case');
    const targets = targetsWithNaN(c);
    const mask = observedMask(targets);
    const all = exceedanceErrors(targets, c.predictions, -1, { mask, weights: c.weights });
    const overall = regressionErrors(targets, c.predictions, { mask, weights: c.weights });
    expect({ ...all, threshold: undefined }).toEqual({ ...overall, threshold: undefined });
  });

  it('rejects a bad threshold, naming it', () => {
    expect(() => exceedanceErrors([1], [1], Number.NaN)).toThrow("exceedanceErrors: argument 'threshold' is NaN, expected a finite number (e.g. 75 µg/m³)");
  });
});

describe('topQuantileErrors', () => {
  it('thresholds at the linear 0.9 quantile of the evaluated targets, worked by hand', () => {
    // Evaluated targets 1..10 (the masked 1000 is ignored): h = 9·0.9 = 8.1 → 9 + 0.1·1 = 9.1; selected y = 10 only.
    const y = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1000];
    const f = [1, 2, 3, 4, 5, 6, 7, 8, 9, 7, 0];
    const top = topQuantileErrors(y, f, { mask: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0] });
    expect(top.threshold).toBeCloseTo(9.1, 14);
    expect([top.count, top.mae, top.meanError]).toEqual([1, 3, -3]);
    const half = topQuantileErrors(y.slice(0, 10), f.slice(0, 10), { level: 0.5 }); // Q = 5.5: y = 6..10
    expect([half.threshold, half.count, half.mae]).toEqual([5.5, 5, 3 / 5]);
  });

  it.each(forecastReference.cases)('matches the NumPy top-decile reference (seed $seed)', (c) => {
    const targets = targetsWithNaN(c);
    const top = topQuantileErrors(targets, c.predictions, { mask: observedMask(targets) });
    expect(top.threshold).toBeCloseTo(c.topDecile.threshold, 12);
    expectErrors(top, c.topDecile);
  });

  it('gives NaN with nothing evaluated and rejects a bad level', () => {
    const none = topQuantileErrors([Number.NaN], [1], { mask: [0] });
    expect(none.threshold).toBeNaN();
    expect(none.count).toBe(0);
    expect(() => topQuantileErrors([1], [1], { level: 1 })).toThrow("topQuantileErrors: argument 'options.level' must be a number in [0, 1), got 1");
  });
});
