import { describe, expect, it } from 'vitest';

import { matrixFromRows, type Matrix } from './matrix.js';
import { crossFitNuisances, logisticLearner, ridgeLearner } from './nuisance-models.js';
import { seededRandom } from './random.js';

function design(n: number, seed: number): { x: Matrix; a: number[]; y: number[]; p: number[] } {
  const r = seededRandom(seed);
  const rows: number[][] = [];
  const a: number[] = [];
  const y: number[] = [];
  const p: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = [r.normal(), r.normal()];
    const pi = 1 / (1 + Math.exp(-(0.8 * v[0]! - 0.5 * v[1]!)));
    const ai = r.uniform() < pi ? 1 : 0;
    rows.push(v);
    a.push(ai);
    p.push(pi);
    y.push(v[0]! + v[1]! ** 2 + ai * (1 + v[0]!) + 0.3 * r.normal());
  }
  return { x: matrixFromRows(rows), a, y, p };
}

describe('crossFitNuisances', () => {
  it('never lets a row see its own outcome: changing y_i leaves m̂_i, μ̂₀_i, μ̂₁_i unchanged and moves other folds', () => {
    const { x, a, y } = design(100, 1);
    const base = crossFitNuisances(x, a, y, { seed: 4 });
    const moved = [...y];
    moved[7] = moved[7]! + 100;
    const after = crossFitNuisances(x, a, moved, { seed: 4 });
    expect(after.outcomeMean[7]).toBe(base.outcomeMean[7]);
    expect(after.controlOutcome[7]).toBe(base.controlOutcome[7]);
    expect(after.treatedOutcome[7]).toBe(base.treatedOutcome[7]);
    const other = [...base.fold.keys()].find((i) => base.fold[i] !== base.fold[7])!;
    expect(after.outcomeMean[other]).not.toBe(base.outcomeMean[other]);
  });

  it('splits rows into K folds of near-equal size, reproducibly for a seed', () => {
    const { x, a, y } = design(103, 2);
    const r = crossFitNuisances(x, a, y, { folds: 4, seed: 9 });
    const sizes = [0, 1, 2, 3].map((f) => r.fold.filter((v) => v === f).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect([...crossFitNuisances(x, a, y, { folds: 4, seed: 9 }).fold]).toEqual([...r.fold]);
  });

  it('estimates the propensity and the arm regressions close to the truth on 2,000 rows', () => {
    const { x, a, y, p } = design(2000, 3);
    const r = crossFitNuisances(x, a, y, { outcomeLearner: ridgeLearner('quadratic'), propensityLearner: logisticLearner('linear') });
    const rmse = (u: ArrayLike<number>, v: (i: number) => number) =>
      Math.sqrt(Array.from(u).reduce((s, ui, i) => s + (ui - v(i)) ** 2, 0) / u.length);
    expect(rmse(r.propensity, (i) => p[i]!)).toBeLessThan(0.03);
    const col = (i: number, c: number) => x.data[i * 2 + c]!;
    expect(rmse(r.controlOutcome, (i) => col(i, 0) + col(i, 1) ** 2)).toBeLessThan(0.08);
    expect(rmse(r.treatedOutcome, (i) => 1 + 2 * col(i, 0) + col(i, 1) ** 2)).toBeLessThan(0.08);
  });

  it('clips propensities to [clip, 1 − clip]', () => {
    // A nearly separable assignment drives the fitted propensities to the clip bounds.
    const rows = Array.from({ length: 40 }, (_, i) => [i / 40]);
    const a = rows.map(([v], i) => (v! > 0.5 ? (i === 39 ? 0 : 1) : i === 0 ? 1 : 0));
    const r = crossFitNuisances(matrixFromRows(rows), a, rows.map(([v]) => v!), { propensityClip: 0.05, folds: 2, propensityLearner: logisticLearner('linear', 0) });
    expect(Math.min(...r.propensity)).toBeGreaterThanOrEqual(0.05);
    expect(Math.max(...r.propensity)).toBeLessThanOrEqual(0.95);
    expect(r.propensity.some((v) => v === 0.05 || v === 0.95)).toBe(true);
  });

  it('rejects bad folds, clip, a group too small to cross-fit, NaN cells and all-treated data', () => {
    const { x, a, y } = design(30, 5);
    expect(() => crossFitNuisances(x, a, y, { folds: 1 })).toThrow("'options.folds' must be an integer in [2, n = 30]");
    expect(() => crossFitNuisances(x, a, y, { propensityClip: 0.5 })).toThrow("'options.propensityClip'");
    const one = a.map((_, i) => (i === 0 ? 1 : 0));
    expect(() => crossFitNuisances(x, one, y, { folds: 2 })).toThrow('training rows with no treated rows (one group empty)');
    expect(() => crossFitNuisances(x, a.map(() => 1), y)).toThrow("crossFitNuisances: argument 'treatment' has no control rows");
    const bad = { ...x, data: Float64Array.from(x.data) };
    bad.data[5] = Number.NaN;
    expect(() => crossFitNuisances(bad, a, y)).toThrow("argument 'x' row 2, column 1 is NaN");
  });
});
