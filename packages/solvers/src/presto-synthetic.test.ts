import { describe, expect, it } from 'vitest';

import { SolverArgumentError } from './errors.js';
import {
  DENSE_DIFFERENCES_INTERCEPTS,
  denseDifferencesData,
  seededUniform,
  sparseDifferencesData,
  type PrestoSyntheticData,
} from './presto-synthetic.js';

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

function checkConsistent(data: PrestoSyntheticData, n: number, p: number, numClasses: number): void {
  expect(data.x).toHaveLength(n);
  expect(data.y).toHaveLength(n);
  expect(data.coefficients).toHaveLength(numClasses - 1);
  const counts = new Array<number>(numClasses).fill(0);
  data.y.forEach((v) => (counts[v] = (counts[v] ?? 0) + 1));
  expect(counts.every((c) => c > 0)).toBe(true);
  data.x.forEach((row, i) => {
    expect(row).toHaveLength(p);
    expect(row.every((v) => v >= -1 && v < 1)).toBe(true);
    const probs = data.probabilities[i] ?? new Float64Array(0);
    expect(probs.every((v) => v >= 0)).toBe(true);
    expect(Math.abs(probs.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
    // Rare class: 1 − σ(α_{K−1} + xᵀβ_{K−1}).
    const last = data.coefficients[numClasses - 2] ?? new Float64Array(0);
    const eta = (data.intercepts[numClasses - 2] ?? 0) + row.reduce((s, v, c) => s + v * (last[c] ?? 0), 0);
    expect(Math.abs((data.rareProbabilities[i] ?? 0) - (1 - sigmoid(eta)))).toBeLessThan(1e-12);
  });
  // The labels follow the probabilities: the rare-class count is within 4 standard errors of its expectation.
  const expected = data.rareProbabilities.reduce((a, b) => a + b, 0);
  const variance = data.rareProbabilities.reduce((s, q) => s + q * (1 - q), 0);
  expect(Math.abs((counts[numClasses - 1] ?? 0) - expected)).toBeLessThan(4 * Math.sqrt(variance));
}

describe('seededUniform', () => {
  it('is deterministic, in [0, 1), and roughly uniform', () => {
    const a = seededUniform(42);
    const b = seededUniform(42);
    const values = Array.from({ length: 10_000 }, () => a());
    expect(values.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(Math.abs(values.reduce((s, v) => s + v, 0) / values.length - 0.5)).toBeLessThan(0.01);
    expect(seededUniform(43)()).not.toBe(seededUniform(42)());
  });
});

describe('sparseDifferencesData', () => {
  it("uses the reference script's defaults: n = 2500, p = 10, K = 4, intercepts (0, 3, 5), β_1 ∈ {0, 0.5}, sparse ±0.5 differences", () => {
    // gregfaletto/presto 4_1_sparse_diffs.R lines 55 and 59–61: intcpt_list c(0, 3, 5), …; n = 2500, p = 10, K = 4,
    // beta = rep(.5, 10), dev_size = .5, dev_prob 1/3 (first) and 1/2. Kept base coefficients equal beta
    // (Simulations/model_functions.R lines 85–91), the others are 0.
    const data = sparseDifferencesData({ seed: 1 });
    checkConsistent(data, 2500, 10, 4);
    expect(Array.from(data.intercepts)).toEqual([0, 3, 5]);
    const base = Array.from(data.coefficients[0] ?? []);
    expect(base.every((v) => v === 0 || v === 0.5)).toBe(true);
    expect(base.some((v) => v === 0.5)).toBe(true);
    for (let k = 1; k < 3; k += 1) {
      const diff = (data.coefficients[k] ?? new Float64Array(0)).map((v, c) => v - (data.coefficients[k - 1]?.[c] ?? 0));
      expect(Array.from(diff).every((v) => v === 0 || Math.abs(Math.abs(v) - 0.5) < 1e-12)).toBe(true);
    }
    // The rare class is rare (a few per cent).
    const rare = data.y.filter((v) => v === 3).length / 2500;
    expect(rare).toBeGreaterThan(0.002);
    expect(rare).toBeLessThan(0.05);
  });

  it('is deterministic in the seed', () => {
    const a = sparseDifferencesData({ seed: 7, n: 300 });
    const b = sparseDifferencesData({ seed: 7, n: 300 });
    const c = sparseDifferencesData({ seed: 8, n: 300 });
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
    expect(a.x.map((r) => Array.from(r))).toEqual(b.x.map((r) => Array.from(r)));
    expect(a.coefficients.map((r) => Array.from(r))).toEqual(b.coefficients.map((r) => Array.from(r)));
    expect(Array.from(a.y)).not.toEqual(Array.from(c.y));
  });

  it('honours devProb, devSize, baseValue, intercepts and K', () => {
    const data = sparseDifferencesData({ seed: 3, n: 800, p: 4, numClasses: 5, intercepts: [-1, 0.5, 2, 3.5], devProb: 1, devSize: 0.25, baseValue: 0.75 });
    checkConsistent(data, 800, 4, 5);
    expect(Array.from(data.coefficients[0] ?? [])).toEqual([0.75, 0.75, 0.75, 0.75]);
    const diff = (data.coefficients[3] ?? new Float64Array(0)).map((v, c) => v - (data.coefficients[2]?.[c] ?? 0));
    expect(Array.from(diff).every((v) => Math.abs(Math.abs(v) - 0.25) < 1e-12)).toBe(true);
  });

  it('rejects bad options by name', () => {
    expect(() => sparseDifferencesData({ seed: 1, intercepts: [0, 5, 3] })).toThrow(
      /sparseDifferencesData: argument 'options.intercepts' must be finite and non-decreasing/,
    );
    expect(() => sparseDifferencesData({ seed: 1, numClasses: 5 })).toThrow(/'options.intercepts' must hold K − 1 = 4 values \(no default for this K\)/);
    expect(() => sparseDifferencesData({ seed: 1, numClasses: 2 })).toThrow(/'options.numClasses' must be an integer ≥ 3/);
    expect(() => sparseDifferencesData({ seed: 1, devProb: 2 })).toThrow(/'options.devProb' must be in \[0, 1\]/);
    expect(() => sparseDifferencesData({ seed: Number.NaN })).toThrow(SolverArgumentError);
    // Boundaries that must cross: every coefficient draw is rejected.
    expect(() => sparseDifferencesData({ seed: 1, n: 50, intercepts: [0, 0, 0], devProb: 1, devSize: 3 })).toThrow(/no valid data set/);
  });
});

describe('denseDifferencesData', () => {
  it("uses the paper's defaults with Uniform(−0.5, 0.5) base coefficients and differences", () => {
    const data = denseDifferencesData({ seed: 2 });
    checkConsistent(data, 2500, 10, 4);
    expect(Array.from(data.intercepts)).toEqual([...(DENSE_DIFFERENCES_INTERCEPTS[0] ?? [])]);
    expect(Array.from(data.coefficients[0] ?? []).every((v) => Math.abs(v) < 0.5)).toBe(true);
    for (let k = 1; k < 3; k += 1) {
      const diff = (data.coefficients[k] ?? new Float64Array(0)).map((v, c) => v - (data.coefficients[k - 1]?.[c] ?? 0));
      expect(Array.from(diff).every((v) => Math.abs(v) < 0.5 && v !== 0)).toBe(true);
    }
  });

  it('is deterministic in the seed and accepts the other intercept settings', () => {
    const a = denseDifferencesData({ seed: 5, n: 400, intercepts: DENSE_DIFFERENCES_INTERCEPTS[3] });
    const b = denseDifferencesData({ seed: 5, n: 400, intercepts: DENSE_DIFFERENCES_INTERCEPTS[3] });
    checkConsistent(a, 400, 10, 4);
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
    expect(Array.from(a.intercepts)).toEqual([0, 4, 6]);
  });
});
