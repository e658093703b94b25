import { describe, expect, it } from 'vitest';

import { matrixFromRows } from './matrix.js';
import { seededRandom } from './random.js';
import { fitRidgeRegression } from './ridge-regression.js';

function data(n: number, seed: number): { x: number[][]; y: number[] } {
  const r = seededRandom(seed);
  const x = Array.from({ length: n }, () => [r.normal(), r.normal()]);
  return { x, y: x.map(([a, b]) => 1 + 2 * a! - b! + 0.5 * a! * b! + 0.1 * r.normal()) };
}

describe('fitRidgeRegression', () => {
  it('recovers an exact quadratic surface with a tiny penalty', () => {
    const { x } = data(60, 1);
    const y = x.map(([a, b]) => 3 - a! + 2 * b! * b! + a! * b!);
    const model = fitRidgeRegression(matrixFromRows(x), y, { lambdas: [1e-10] });
    const test = matrixFromRows([[0.3, -1.2], [2, 0.5]]);
    const expected = [[0.3, -1.2], [2, 0.5]].map(([a, b]) => 3 - a! + 2 * b! * b! + a! * b!);
    model.predict(test).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
  });

  it('weighted fit equals the fit on rows repeated by integer weights (linear features)', () => {
    const { x, y } = data(20, 2);
    const w = x.map((_, i) => 1 + (i % 3));
    const xr: number[][] = [];
    const yr: number[] = [];
    x.forEach((row, i) => {
      for (let k = 0; k < w[i]!; k++) {
        xr.push(row);
        yr.push(y[i]!);
      }
    });
    // With λ = 0 the linear fit does not depend on the standardisation, which differs between the two data sets.
    const a = fitRidgeRegression(matrixFromRows(x), y, { features: 'linear', weights: w, lambdas: [0] });
    const b = fitRidgeRegression(matrixFromRows(xr), yr, { features: 'linear', lambdas: [0] });
    const test = matrixFromRows([[0.1, 0.2], [-1, 2]]);
    const pa = a.predict(test);
    b.predict(test).forEach((v, i) => expect(v).toBeCloseTo(pa[i]!, 9));
  });

  it('scores λ by the exact leave-one-out error: matches refitting without each row', () => {
    const { x, y } = data(15, 3);
    const w = x.map((_, i) => 0.5 + (i % 4) / 4);
    const lambda = 2;
    const model = fitRidgeRegression(matrixFromRows(x), y, { features: 'linear', weights: w, lambdas: [lambda] });
    // Brute force: refit without row i, with the scaling of the full data (which the expansion uses) — the
    // linear model with an unpenalised intercept is invariant to the centring, and the scale is fixed by the full fit.
    let loo = 0;
    const sd = [0, 1].map((c) => {
      const m = x.reduce((s, r) => s + r[c]!, 0) / x.length;
      return Math.sqrt(x.reduce((s, r) => s + (r[c]! - m) ** 2, 0) / (x.length - 1));
    });
    for (let i = 0; i < x.length; i++) {
      const keep = x.map((_, j) => j).filter((j) => j !== i);
      // Normal equations in the scaled coordinates z = x / sd (centring absorbed by the intercept).
      const rows = keep.map((j) => [1, x[j]![0]! / sd[0]!, x[j]![1]! / sd[1]!]);
      const g = [0, 1, 2].map((p) => [0, 1, 2].map((q) => keep.reduce((s, j, k) => s + w[j]! * rows[k]![p]! * rows[k]![q]!, 0) + (p === q && p > 0 ? lambda : 0)));
      const m = [0, 1, 2].map((p) => keep.reduce((s, j, k) => s + w[j]! * rows[k]![p]! * y[j]!, 0));
      const beta = solve3(g, m);
      const pred = beta[0]! + (beta[1]! * x[i]![0]!) / sd[0]! + (beta[2]! * x[i]![1]!) / sd[1]!;
      loo += w[i]! * (y[i]! - pred) ** 2;
    }
    expect(model.looError).toBeCloseTo(loo / w.reduce((s, v) => s + v, 0), 9);
  });

  it('picks a larger λ for pure noise than for a clean signal', () => {
    const r = seededRandom(9);
    const x = Array.from({ length: 80 }, () => [r.normal(), r.normal(), r.normal()]);
    const noise = fitRidgeRegression(matrixFromRows(x), x.map(() => r.normal()));
    const clean = fitRidgeRegression(matrixFromRows(x), x.map(([a]) => a!));
    expect(noise.lambda).toBeGreaterThan(clean.lambda);
  });

  it('rejects NaN cells, negative or all-zero weights and a singular system', () => {
    const x = matrixFromRows([[0, 1], [1, Number.NaN]]);
    expect(() => fitRidgeRegression(x, [1, 2])).toThrow("fitRidgeRegression: argument 'x' row 1, column 1 is NaN");
    const ok = matrixFromRows([[0, 1], [1, 0], [2, 3]]);
    expect(() => fitRidgeRegression(ok, [1, 2, 3], { weights: [1, -1, 1] })).toThrow("'options.weights' row 1 is -1");
    expect(() => fitRidgeRegression(ok, [1, 2, 3], { weights: [0, 0, 0] })).toThrow("'options.weights' are all 0");
    const collinear = matrixFromRows([[1, 2], [2, 4], [3, 6]]);
    expect(() => fitRidgeRegression(collinear, [1, 2, 3], { features: 'linear', lambdas: [0] })).toThrow('singular system');
  });
});

function solve3(a: number[][], b: number[]): number[] {
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < 3; i++) {
      if (i === c) continue;
      const f = m[i]![c]! / m[c]![c]!;
      for (let k = c; k < 4; k++) m[i]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[3]! / row[i]!);
}
