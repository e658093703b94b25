import { describe, expect, it } from 'vitest';

import { observedMask } from './observed-mask.js';
import {
  groupRegressionErrors,
  meanAbsoluteError,
  meanError,
  meanSquaredError,
  regressionErrors,
  rootMeanSquaredError,
  type RegressionErrors,
} from './regression-errors.js';
import { forecastReference, targetsWithNaN, type ReferenceErrors } from './test-support/forecast-reference.js';
import { seededRandom } from './test-support/random.js';

function expectErrors(actual: RegressionErrors, expected: ReferenceErrors, digits = 10): void {
  expect(actual.count).toBe(expected.count);
  expect(actual.weight).toBeCloseTo(expected.weight, digits);
  expect(actual.mae).toBeCloseTo(expected.mae, digits);
  expect(actual.mse).toBeCloseTo(expected.mse, digits - 3); // MSE ~ 1e3 here: the same relative precision
  expect(actual.rmse).toBeCloseTo(expected.rmse, digits);
  expect(actual.meanError).toBeCloseTo(expected.meanError, digits);
}

describe('regressionErrors', () => {
  it('matches the example worked by hand, a missing target masked out', () => {
    // Observed pairs (1, 2), (2, 0), (4, 4): errors ŷ − y = 1, −2, 0.
    const targets = [1, 2, Number.NaN, 4];
    const predictions = [2, 0, Number.NaN, 4];
    const mask = observedMask(targets);
    expect(Array.from(mask)).toEqual([1, 1, 0, 1]);
    const e = regressionErrors(targets, predictions, { mask });
    expect(e).toEqual({ count: 3, weight: 3, mae: 1, mse: 5 / 3, rmse: Math.sqrt(5 / 3), meanError: -1 / 3 });
    // Weights 2, 1, (5 ignored: masked), 1: MAE (2 + 2 + 0)/4, MSE (2 + 4 + 0)/4, ME (2 − 2 + 0)/4.
    const w = regressionErrors(targets, predictions, { mask, weights: [2, 1, 5, 1] });
    expect([w.count, w.weight, w.mae, w.mse, w.meanError]).toEqual([3, 4, 1, 1.5, 0]);
    expect(meanAbsoluteError(targets, predictions, { mask })).toBe(1);
    expect(meanSquaredError(targets, predictions, { mask })).toBe(5 / 3);
    expect(rootMeanSquaredError(targets, predictions, { mask })).toBe(Math.sqrt(5 / 3));
    expect(meanError(targets, predictions, { mask })).toBe(-1 / 3);
  });

  it.each(forecastReference.cases)('matches the NumPy reference, unweighted and weighted (seed $seed)', (c) => {
    const targets = targetsWithNaN(c);
    const mask = observedMask(targets);
    expectErrors(regressionErrors(targets, c.predictions, { mask }), c.errors);
    expectErrors(regressionErrors(targets, c.predictions, { mask, weights: c.weights }), c.weightedErrors);
    expect(meanAbsoluteError(targets, c.predictions, { mask })).toBeCloseTo(c.errors.mae, 10);
    expect(rootMeanSquaredError(targets, c.predictions, { mask })).toBeCloseTo(c.errors.rmse, 10);
    expect(meanError(targets, c.predictions, { mask })).toBeCloseTo(c.errors.meanError, 10);
  });

  it('equals duplicating samples for integer weights and dropping them for a 0 mask', () => {
    const rand = seededRandom(11);
    const n = 40;
    const y = Array.from({ length: n }, () => 100 * rand());
    const p = Array.from({ length: n }, () => 100 * rand());
    const w = Array.from({ length: n }, () => Math.floor(4 * rand())); // 0..3
    const mask = Array.from({ length: n }, () => (rand() < 0.2 ? 0 : 1));
    const dy: number[] = [];
    const dp: number[] = [];
    y.forEach((v, i) => {
      if (mask[i] === 0) return;
      for (let k = 0; k < (w[i] ?? 0); k += 1) {
        dy.push(v);
        dp.push(p[i] ?? 0);
      }
    });
    const weighted = regressionErrors(y, p, { mask, weights: w });
    const duplicated = regressionErrors(dy, dp);
    expect(weighted.weight).toBe(dy.length);
    for (const key of ['mae', 'mse', 'rmse', 'meanError'] as const) expect(weighted[key]).toBeCloseTo(duplicated[key], 10);
    expect(regressionErrors(y, p, { weights: new Array<number>(n).fill(2.5) }).mae).toBeCloseTo(regressionErrors(y, p).mae, 12);
  });

  it('gives NaN errors when nothing is evaluated or the weights sum to 0', () => {
    const none = regressionErrors([Number.NaN, Number.NaN], [1, 2], { mask: [0, 0] });
    expect(none.count).toBe(0);
    expect(none.mae).toBeNaN();
    expect(none.rmse).toBeNaN();
    const zero = regressionErrors([1, 2], [3, 4], { weights: [0, 0] });
    expect([zero.count, zero.weight]).toEqual([2, 0]);
    expect(zero.meanError).toBeNaN();
  });

  it('rejects NaN at evaluated samples and bad masks, weights and lengths, naming the argument', () => {
    expect(() => meanAbsoluteError([1, Number.NaN], [1, 2])).toThrow(
      "meanAbsoluteError: argument 'targets'[1] is NaN, expected a finite number at an evaluated sample; mark missing targets with options.mask (see observedMask)",
    );
    expect(() => rootMeanSquaredError([1, 2], [1, Number.NaN], { mask: [0, 1] })).toThrow(/'predictions'\[1\] is NaN/);
    expect(rootMeanSquaredError([1, 2], [Number.NaN, 2], { mask: [0, 1] })).toBe(0);
    expect(() => meanError([1, 2], [1])).toThrow("meanError: argument 'predictions' has 1 values, expected 2 (one per target)");
    expect(() => meanError([1, 2], [1, 2], { mask: [1, 2] })).toThrow("meanError: argument 'options.mask'[1] is 2, expected 0 (left out) or 1 (evaluated)");
    expect(() => meanError([1, 2], [1, 2], { weights: [1, -1] })).toThrow(/'options.weights'\[1\] is -1, expected a finite weight >= 0/);
    expect(() => meanSquaredError([], [])).toThrow(/'targets' is empty/);
    expect(() => observedMask([1, Infinity])).toThrow("observedMask: argument 'values'[1] is Infinity, expected a finite number or NaN (missing)");
  });
});

describe('groupRegressionErrors', () => {
  it.each(forecastReference.cases)('matches the NumPy per-group reference (seed $seed)', (c) => {
    const targets = targetsWithNaN(c);
    const byGroup = groupRegressionErrors(targets, c.predictions, c.groups, { mask: observedMask(targets) });
    expect(Object.keys(byGroup)).toEqual(Object.keys(c.groupErrors));
    for (const [key, expected] of Object.entries(c.groupErrors)) expectErrors(byGroup[key] as RegressionErrors, expected);
    const total = Object.values(byGroup).reduce((s, g) => s + g.count, 0);
    expect(total).toBe(c.errors.count);
  });

  it('keeps a fully masked group with count 0 and NaN errors, and rejects bad keys', () => {
    const g = groupRegressionErrors([1, 2, 3], [2, 2, 3], ['a', 'b', 'b'], { mask: [0, 1, 1] });
    expect(g.b).toEqual({ count: 2, weight: 2, mae: 0, mse: 0, rmse: 0, meanError: 0 });
    expect(g.a?.count).toBe(0);
    expect(g.a?.mae).toBeNaN();
    expect(() => groupRegressionErrors([1, 2], [1, 2], ['a'])).toThrow("groupRegressionErrors: argument 'groups' has 1 values, expected 2 (one group key per target)");
    expect(() => groupRegressionErrors([1, 2], [1, 2], [1, Number.NaN])).toThrow(/'groups'\[1\] is NaN \(number\), expected a string or finite number key/);
  });
});
