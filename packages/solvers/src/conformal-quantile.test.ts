import { describe, expect, it } from 'vitest';

import { applyConformalInterval, applyConformalQuantiles, fitConformalInterval, fitConformalQuantiles } from './conformal-quantile.js';
import { heteroscedasticQuantileData } from './test-support/quantile-data.js';

function coverage(targets: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>): number {
  let inside = 0;
  for (let i = 0; i < targets.length; i += 1) {
    const y = targets[i] ?? 0;
    if (y >= (lower[i] ?? 0) && y <= (upper[i] ?? 0)) inside += 1;
  }
  return inside / targets.length;
}

describe('fitConformalInterval (CQR)', () => {
  it('takes the ⌈(1 − α)(n + 1)⌉-th smallest conformity score (worked by hand)', () => {
    // E = max(l − y, y − u): [−1, 0.5, 2, −0.5, 3, 1, 0, 4, −2]; n = 9, α = 0.2 → k = ⌈0.8·10⌉ = 8.
    // Sorted E: −2, −1, −0.5, 0, 0.5, 1, 2, 3, 4 → Q = 3.
    const y = [0, 0, 0, 0, 0, 0, 0, 0, 0];
    const lower = [-1, -2, 2, -3, 3, -4, 0, 4, -2];
    const upper = [1, -0.5, 3, 0.5, 4, -1, 5, 5, 2];
    const fit = fitConformalInterval(lower, upper, y, 0.2);
    expect(fit).toEqual({ alpha: 0.2, correction: 3, rank: 8, calibrationSize: 9 });
    const applied = applyConformalInterval([1, 2], [3, 4], fit);
    expect(Array.from(applied.lower)).toEqual([-2, -1]);
    expect(Array.from(applied.upper)).toEqual([6, 7]);
    // n = 9 and α = 0.05: k = ⌈0.95·10⌉ = 10 > n → an infinite interval.
    expect(fitConformalInterval(lower, upper, y, 0.05).correction).toBe(Number.POSITIVE_INFINITY);
    // (1 − α)(n + 1) an integer: α = 0.1, n = 9 → k = 9 exactly (not 10 by rounding).
    expect(fitConformalInterval(lower, upper, y, 0.1).rank).toBe(9);
  });

  it('reaches nominal coverage within sampling error on seeded synthetic data (20 seeds)', () => {
    // Base model: true conditional quantiles shrunk to 60 % width and shifted by 0.3 — it undercovers badly.
    // CQR theory (exchangeable, no ties): E[coverage] = k/(n + 1); per seed the coverage given the calibration set
    // has sd ≈ sqrt(k(n + 1 − k)/((n + 1)²(n + 2))) plus test-set noise sqrt(p(1 − p)/m).
    const alpha = 0.1;
    const n = 500;
    const m = 20_000;
    const k = Math.ceil((1 - alpha) * (n + 1));
    const expected = k / (n + 1);
    const sd = Math.sqrt((k * (n + 1 - k)) / ((n + 1) ** 2 * (n + 2)) + (expected * (1 - expected)) / m);
    const levels = [0.05, 0.95];
    const covered: number[] = [];
    const raw: number[] = [];
    for (let seed = 1; seed <= 20; seed += 1) {
      const calib = heteroscedasticQuantileData(seed, n, levels, 0.6, 0.3);
      const test = heteroscedasticQuantileData(1000 + seed, m, levels, 0.6, 0.3);
      const fit = fitConformalInterval(calib.quantiles.map((r) => r[0] ?? 0), calib.quantiles.map((r) => r[1] ?? 0), calib.targets, alpha);
      const lo = test.quantiles.map((r) => r[0] ?? 0);
      const hi = test.quantiles.map((r) => r[1] ?? 0);
      const out = applyConformalInterval(lo, hi, fit);
      covered.push(coverage(test.targets, out.lower, out.upper));
      raw.push(coverage(test.targets, lo, hi));
    }
    const mean = covered.reduce((a, b) => a + b, 0) / covered.length;
    expect(Math.abs(mean - expected)).toBeLessThan((4 * sd) / Math.sqrt(covered.length));
    covered.forEach((c) => expect(Math.abs(c - expected)).toBeLessThan(4 * sd));
    expect(Math.max(...raw)).toBeLessThan(0.8); // the base intervals were far from nominal
  });
});

describe('fitConformalQuantiles / applyConformalQuantiles', () => {
  const levels = [0.05, 0.25, 0.5, 0.75, 0.95];

  it('calibrates every central interval of the grid to its own nominal coverage, median untouched', () => {
    const calib = heteroscedasticQuantileData(3, 2000, levels, 1.6, -0.2); // too wide and shifted
    const test = heteroscedasticQuantileData(4, 40_000, levels, 1.6, -0.2);
    const fit = fitConformalQuantiles(calib.quantiles, calib.targets, levels);
    expect(fit.intervals.map((i) => i.alpha)).toEqual([0.1, 0.5]);
    expect(fit.intervals.every((i) => i.correction < 0)).toBe(true); // the intervals shrink
    const out = applyConformalQuantiles(test.quantiles, fit, { repair: 'none' });
    expect(out.every((row, i) => row[2] === test.quantiles[i]?.[2])).toBe(true);
    [0.9, 0.5].forEach((nominal, j) => {
      const c = coverage(test.targets, out.map((r) => r[j] ?? 0), out.map((r) => r[4 - j] ?? 0));
      // sd per interval at n = 2000 calibration and m = 40000 test samples is about 0.007 (0.9) and 0.011 (0.5).
      expect(Math.abs(c - nominal)).toBeLessThan(0.04);
    });
    const sorted = applyConformalQuantiles(test.quantiles, fit);
    expect(sorted.every((row) => row.every((v, j) => j === 0 || v >= (row[j - 1] ?? 0)))).toBe(true);
  });

  it('rejects bad levels, shapes and α, naming the argument', () => {
    expect(() => fitConformalInterval([0], [1], [0.5], 1)).toThrow("fitConformalInterval: argument 'alpha' must be a miscoverage level in (0, 1), got 1");
    expect(() => fitConformalInterval([0, 1], [1], [0.5, 0.2], 0.1)).toThrow(/'upper' has 1 entries, expected 2 \(one per target\)/);
    expect(() => fitConformalInterval([0], [1], [Number.NaN], 0.1)).toThrow(/'targets' must be finite, got NaN at index 0/);
    expect(() => fitConformalQuantiles([[0, 1, 2]], [1], [0.1, 0.5, 0.8])).toThrow(/'levels' must be symmetric about 0.5/);
    expect(() => fitConformalQuantiles([[0, 1]], [1, 2], [0.1, 0.9])).toThrow(/'targets' has 2 entries, 'quantiles' has 1 rows/);
    expect(() => fitConformalQuantiles([[0, 1]], [1], [0.1, 0.5, 0.9])).toThrow(/'levels' has 3 levels, the quantile rows have 2 columns/);
    const fit = fitConformalQuantiles([[0, 1]], [0.5], [0.1, 0.9]);
    expect(() => applyConformalQuantiles([[0, 1, 2]], fit)).toThrow(/'quantiles' has 3 columns, the calibration was fitted for 2 levels/);
  });
});
