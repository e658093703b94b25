import { describe, expect, it } from 'vitest';

import { seededUniform } from './presto-synthetic.js';
import { isotonicRegression, repairQuantileCrossing } from './quantile-repair.js';
import { wis64 } from './test-support/quantile-data.js';

/**
 * Independent reference: the min–max formula of the isotonic regression (Robertson, Wright & Dykstra 1988,
 * Theorem 1.4.4): z_i = max_{j ≤ i} min_{k ≥ i} Σ_{j..k} w·v / Σ_{j..k} w. O(n³), fine for small n.
 */
function isotonicMinMax(v: readonly number[], w: readonly number[]): number[] {
  return v.map((_, i) => {
    let best = Number.NEGATIVE_INFINITY;
    for (let j = 0; j <= i; j += 1) {
      let inner = Number.POSITIVE_INFINITY;
      for (let k = i; k < v.length; k += 1) {
        let sw = 0;
        let swv = 0;
        for (let m = j; m <= k; m += 1) {
          sw += w[m] ?? 0;
          swv += (w[m] ?? 0) * (v[m] ?? 0);
        }
        inner = Math.min(inner, swv / sw);
      }
      best = Math.max(best, inner);
    }
    return best;
  });
}

describe('isotonicRegression (pool-adjacent-violators)', () => {
  it('pools violators into their weighted mean (worked by hand)', () => {
    expect(Array.from(isotonicRegression([1, 3, 2, 4]))).toEqual([1, 2.5, 2.5, 4]);
    expect(Array.from(isotonicRegression([3, 1], [1, 3]))).toEqual([1.5, 1.5]);
    expect(Array.from(isotonicRegression([5, 4, 3, 2, 1]))).toEqual([3, 3, 3, 3, 3]);
    expect(Array.from(isotonicRegression([-1, 0, 7]))).toEqual([-1, 0, 7]);
  });

  it('equals the min–max formula on random weighted inputs', () => {
    const rand = seededUniform(11);
    for (let trial = 0; trial < 200; trial += 1) {
      const n = 1 + Math.floor(rand() * 9);
      const v = Array.from({ length: n }, () => 10 * rand() - 5);
      const w = Array.from({ length: n }, () => 0.1 + 3 * rand());
      const z = isotonicRegression(v, w);
      const ref = isotonicMinMax(v, w);
      z.forEach((value, i) => expect(value).toBeCloseTo(ref[i] ?? Number.NaN, 12));
    }
  });

  it('rejects bad input, naming the argument', () => {
    expect(() => isotonicRegression([])).toThrow("isotonicRegression: argument 'values' must hold at least one value");
    expect(() => isotonicRegression([1, Number.NaN])).toThrow(/'values' must be finite, got NaN at index 1/);
    expect(() => isotonicRegression([1, 2], [1, 0])).toThrow(/'weights' must be finite and > 0, got 0 at index 1/);
    expect(() => isotonicRegression([1, 2], [1])).toThrow(/'weights' has 1 entries but 'values' has 2/);
  });
});

describe('repairQuantileCrossing', () => {
  const levels = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95];

  it('sorts or isotonises crossed rows and leaves ordered rows untouched', () => {
    const rows = [
      [1, 2, 3, 4, 5, 6, 7],
      [1, 3, 2, 4, 5, 7, 6],
    ];
    const sorted = repairQuantileCrossing(rows);
    const iso = repairQuantileCrossing(rows, { method: 'isotonic' });
    expect(Array.from(sorted[0] ?? [])).toEqual(rows[0]);
    expect(Array.from(iso[0] ?? [])).toEqual(rows[0]);
    expect(Array.from(sorted[1] ?? [])).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(iso[1] ?? [])).toEqual([1, 2.5, 2.5, 4, 5, 6.5, 6.5]);
  });

  it('never increases the weighted interval score of crossed quantiles (Fakoor et al. 2023), on 2000 random rows', () => {
    const rand = seededUniform(2023);
    let crossedRows = 0;
    let strictlyBetter = 0;
    for (let i = 0; i < 2000; i += 1) {
      const centre = 10 * rand();
      // Noisy quantiles: an ordered grid plus noise large enough to cross most rows.
      const row = levels.map((_, j) => centre + (j - 3) * 0.5 + 2 * (rand() - 0.5));
      const y = centre + 4 * (rand() - 0.5);
      const before = wis64(row, levels, y);
      const [sorted] = repairQuantileCrossing([row]);
      const [iso] = repairQuantileCrossing([row], { method: 'isotonic' });
      if (row.some((v, j) => j > 0 && v < (row[j - 1] ?? 0))) crossedRows += 1;
      const afterSort = wis64(sorted ?? [], levels, y);
      const afterIso = wis64(iso ?? [], levels, y);
      expect(afterSort).toBeLessThanOrEqual(before + 1e-12);
      expect(afterIso).toBeLessThanOrEqual(before + 1e-12);
      if (afterSort < before - 1e-9) strictlyBetter += 1;
    }
    expect(crossedRows).toBeGreaterThan(1500); // the property is exercised, not vacuous
    expect(strictlyBetter).toBeGreaterThan(100);
  });

  it('rejects ragged or non-finite rows and unknown methods, naming the argument', () => {
    expect(() => repairQuantileCrossing([[1, 2], [1]])).toThrow("repairQuantileCrossing: argument 'quantiles' row 1 has 1 quantiles, row 0 has 2");
    expect(() => repairQuantileCrossing([[1, Number.POSITIVE_INFINITY]])).toThrow(/'quantiles' row 0 column 1 must be finite, got Infinity/);
    expect(() => repairQuantileCrossing([])).toThrow(/'quantiles' must hold at least one row/);
    expect(() => repairQuantileCrossing([[1]], { method: 'mono' as 'sort' })).toThrow(/'options.method' must be 'sort' or 'isotonic', got 'mono'/);
  });
});
