import { describe, expect, it } from 'vitest';

import { observedMask } from './observed-mask.js';
import { intervalCoverage, quantileCoverage } from './quantile-coverage.js';
import { forecastReference, targetsWithNaN } from './test-support/forecast-reference.js';
import { seededRandom } from './test-support/random.js';

describe('intervalCoverage', () => {
  it('counts closed intervals, worked by hand', () => {
    // 1 ∈ [0, 1] (closed end), 2 ∉ [2.5, 5], 3 ∈ [3, ∞), the NaN target masked out; a crossed [2, 1] covers nothing.
    const y = [1, 2, 3, Number.NaN];
    expect(intervalCoverage(y, [0, 2.5, 3, Number.NaN], [1, 5, Infinity, Number.NaN], { mask: observedMask(y) })).toBe(2 / 3);
    expect(intervalCoverage([1.5], [2], [1])).toBe(0);
    expect(intervalCoverage([Number.NaN], [0], [1], { mask: [0] })).toBeNaN();
  });

  it('is 1 for (−∞, +∞) intervals and 0 for intervals that exclude every target', () => {
    const rand = seededRandom(9);
    const y = Array.from({ length: 30 }, () => 100 * rand());
    expect(intervalCoverage(y, y.map(() => -Infinity), y.map(() => Infinity))).toBe(1);
    expect(intervalCoverage(y, y.map((v) => v + 1), y.map((v) => v + 2))).toBe(0);
  });

  it.each(forecastReference.cases)('matches the NumPy reference for the P10–P90 interval (seed $seed)', (c) => {
    const targets = targetsWithNaN(c);
    const lower = c.quantiles.map((r) => r[0] ?? Number.NaN);
    const upper = c.quantiles.map((r) => r[r.length - 1] ?? Number.NaN);
    expect(intervalCoverage(targets, lower, upper, { mask: observedMask(targets) })).toBeCloseTo(c.intervalCoverage, 14);
  });

  it('rejects NaN ends at evaluated samples, naming the argument', () => {
    expect(() => intervalCoverage([1, 2], [0, Number.NaN], [2, 3])).toThrow(
      "intervalCoverage: argument 'lower'[1] is NaN, expected a number (±Infinity allowed), not NaN at an evaluated sample",
    );
    expect(() => intervalCoverage([1, 2], [0, 1], [2])).toThrow(/'upper' has 1 values, expected 2/);
  });
});

describe('quantileCoverage', () => {
  it('gives the fraction of targets at or below each quantile, worked by hand', () => {
    // Every row forecasts q0.25 = 2.5, q0.5 = 3: y ≤ 2.5 for 1, 2; y ≤ 3 for 1, 2, 3 (ties count as covered).
    const cov = quantileCoverage([1, 2, 3, 4], [2.5, 3, 2.5, 3, 2.5, 3, 2.5, 3], [0.25, 0.5]);
    expect(Array.from(cov)).toEqual([0.5, 0.75]);
    const masked = quantileCoverage([1, Number.NaN], [0, 2, Number.NaN, Number.NaN], [0.1, 0.9], { mask: [1, 0] });
    expect(Array.from(masked)).toEqual([0, 1]);
  });

  it.each(forecastReference.cases)('matches the NumPy per-level reference (seed $seed)', (c) => {
    const targets = targetsWithNaN(c);
    const cov = quantileCoverage(targets, c.quantiles.flat(), c.levels, { mask: observedMask(targets) });
    Array.from(cov).forEach((v, j) => expect(v).toBeCloseTo(c.quantileCoverage[j] ?? Number.NaN, 14));
    for (let j = 1; j < cov.length; j += 1) expect(cov[j]).toBeGreaterThanOrEqual(cov[j - 1] ?? 0); // sorted quantiles
  });

  it('rejects bad levels and shapes, naming the argument', () => {
    expect(() => quantileCoverage([1], [1], [1])).toThrow("quantileCoverage: argument 'levels'[0] is 1, expected a quantile level in (0, 1)");
    expect(() => quantileCoverage([1, 2], [1, 2, 3], [0.1, 0.9])).toThrow(/'quantiles' has 3 values, expected 4 \(2 rows × 2 levels, row-major\)/);
    expect(() => quantileCoverage([1], [1, Number.NaN], [0.1, 0.9])).toThrow(/'quantiles'\[1\] is NaN/);
  });
});
