import { describe, expect, it } from 'vitest';

import { empiricalQuantile } from './empirical-quantile.js';
import { forecastReference } from './test-support/forecast-reference.js';

describe('empiricalQuantile', () => {
  it('interpolates linearly between order statistics (NumPy default), worked by hand', () => {
    // sorted 1, 2, 3, 10: h = 3p. p = 0.5 → h = 1.5 → 2 + 0.5·1 = 2.5; p = 0.9 → h = 2.7 → 3 + 0.7·7 = 7.9.
    const x = [10, 1, 3, 2];
    expect(empiricalQuantile(x, 0.5)).toBe(2.5);
    expect(empiricalQuantile(x, 0.9)).toBeCloseTo(7.9, 14);
    expect(empiricalQuantile(x, 0)).toBe(1);
    expect(empiricalQuantile(x, 1)).toBe(10);
    expect(empiricalQuantile(x, 2 / 3)).toBe(3); // h = 2 exactly: an order statistic
    expect(x).toEqual([10, 1, 3, 2]); // not sorted in place
    expect(empiricalQuantile([4], 0.3)).toBe(4);
  });

  it.each(forecastReference.cases)('matches numpy.quantile(observed, 0.9) (seed $seed)', (c) => {
    const observed = c.targets.filter((v): v is number => v !== null);
    expect(empiricalQuantile(observed, 0.9)).toBeCloseTo(c.quantile90, 12);
  });

  it('rejects bad arguments, naming them', () => {
    expect(() => empiricalQuantile([1], 1.5)).toThrow("empiricalQuantile: argument 'level' must be a number in [0, 1], got 1.5");
    expect(() => empiricalQuantile([], 0.5)).toThrow(/'values' is empty/);
    expect(() => empiricalQuantile([1, Number.NaN], 0.5)).toThrow(/'values'\[1\] is NaN/);
  });
});
