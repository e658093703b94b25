import { describe, expect, it } from 'vitest';

import { fitDrLearner } from './dr-learner.js';
import { matrixFromRows, type Matrix } from './matrix.js';
import { crossFitNuisances, type RegressionLearner } from './nuisance-models.js';
import { fitRLearner } from './r-learner.js';
import { seededRandom } from './random.js';
import { fitRidgeRegression } from './ridge-regression.js';
import { fitTLearner } from './t-learner.js';

const leastSquares: RegressionLearner = (x, y, w) => {
  const model = fitRidgeRegression(x, y, { features: 'linear', lambdas: [0], ...(w ? { weights: w } : {}) });
  return (z) => model.predict(z);
};

function design(n: number, seed: number, noise = 0.5): { x: Matrix; a: number[]; y: number[]; tau: (v: number[]) => number } {
  const r = seededRandom(seed);
  const tau = (v: number[]) => 1 + v[0]! - 0.5 * v[1]!;
  const rows: number[][] = [];
  const a: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = [r.normal(), r.normal()];
    const ai = r.uniform() < 1 / (1 + Math.exp(-v[0]!)) ? 1 : 0;
    rows.push(v);
    a.push(ai);
    y.push(Math.sin(v[0]!) + v[1]! + ai * tau(v) + noise * r.normal());
  }
  return { x: matrixFromRows(rows), a, y, tau };
}

/** Solves the 3×3 system g·β = m by Cramer's rule. */
function solve3(g: number[][], m: number[]): number[] {
  const det = (a: number[][]) =>
    a[0]![0]! * (a[1]![1]! * a[2]![2]! - a[1]![2]! * a[2]![1]!) -
    a[0]![1]! * (a[1]![0]! * a[2]![2]! - a[1]![2]! * a[2]![0]!) +
    a[0]![2]! * (a[1]![0]! * a[2]![1]! - a[1]![1]! * a[2]![0]!);
  const d = det(g);
  return [0, 1, 2].map((c) => det(g.map((row, i) => row.map((v, j) => (j === c ? m[i]! : v)))) / d);
}

describe('fitRLearner', () => {
  it('with IVW weights equals the direct R-loss minimiser (Fisher 2024 identity) for a linear τ', () => {
    const { x, a, y } = design(300, 1);
    const nuisances = crossFitNuisances(x, a, y, { seed: 2 });
    const model = fitRLearner(x, a, y, { nuisances, finalLearner: leastSquares });
    // Direct: min Σ [(Y − m̂) − (A − π̂)(c + β₁x₁ + β₂x₂)]², least squares on regressors (A − π̂)(1, x₁, x₂).
    const g = [0, 1, 2].map(() => [0, 0, 0]);
    const m = [0, 0, 0];
    for (let i = 0; i < x.rows; i++) {
      const r = a[i]! - nuisances.propensity[i]!;
      const f = [r, r * x.data[2 * i]!, r * x.data[2 * i + 1]!];
      const target = y[i]! - nuisances.outcomeMean[i]!;
      for (let p = 0; p < 3; p++) {
        m[p]! += f[p]! * target;
        for (let q = 0; q < 3; q++) g[p]![q]! += f[p]! * f[q]!;
      }
    }
    const beta = solve3(g, m);
    const test = matrixFromRows([[0, 0], [1, -1], [-2, 0.5]]);
    model.predict(test).forEach((v, i) => {
      const [u, w] = [test.data[2 * i]!, test.data[2 * i + 1]!];
      expect(v).toBeCloseTo(beta[0]! + beta[1]! * u + beta[2]! * w, 8);
    });
    model.weights.forEach((w, i) => expect(w).toBeCloseTo((a[i]! - nuisances.propensity[i]!) ** 2, 14));
  });

  it('recovers a linear CATE on 2,000 rows where the T-learner pays for fitting sin(x₁) separately in each arm', () => {
    const { x, a, y, tau } = design(2000, 3);
    const test = design(500, 4);
    const truth = Array.from({ length: 500 }, (_, i) => tau([test.x.data[2 * i]!, test.x.data[2 * i + 1]!]));
    const rmse = (p: Float64Array) => Math.sqrt(p.reduce((s, v, i) => s + (v - truth[i]!) ** 2, 0) / p.length);
    const nuisances = crossFitNuisances(x, a, y);
    const ivw = rmse(fitRLearner(x, a, y, { nuisances }).predict(test.x));
    expect(ivw).toBeLessThan(0.1);
    expect(rmse(fitDrLearner(x, a, y, { nuisances }).predict(test.x))).toBeLessThan(0.1);
    // The quadratic arm fits miss sin(x₁) differently where each arm's rows lie; the difference keeps that error.
    expect(rmse(fitTLearner(x, a, y)(test.x))).toBeGreaterThan(3 * ivw);
  });

  it('rejects propensities at 0 or 1, empty groups and NaN cells', () => {
    const { x, a, y } = design(40, 5);
    const nuisances = crossFitNuisances(x, a, y);
    const atOne = { ...nuisances, propensity: Float64Array.from(nuisances.propensity, (p, i) => (i === 3 ? 1 : p)) };
    expect(() => fitRLearner(x, a, y, { nuisances: atOne })).toThrow(
      "fitRLearner: argument 'options.nuisances.propensity' row 3 is 1; propensities must lie in (0, 1)",
    );
    expect(() => fitDrLearner(x, a, y, { nuisances: atOne })).toThrow("fitDrLearner: argument 'options.nuisances.propensity' row 3 is 1");
    expect(() => fitRLearner(x, a.map(() => 1), y)).toThrow("fitRLearner: argument 'treatment' has no control rows");
    expect(() => fitTLearner(x, a.map(() => 0), y)).toThrow("fitTLearner: argument 'treatment' has no treated rows");
    const nan = [...y];
    nan[2] = Number.NaN;
    expect(() => fitDrLearner(x, a, nan)).toThrow("fitDrLearner: argument 'outcome' row 2 is NaN");
    expect(() => fitRLearner(x, a, y, { weighting: 'ipw' as 'unweighted' })).toThrow("'options.weighting'");
  });
});
