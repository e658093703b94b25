import { describe, expect, it } from 'vitest';

import { matrixFromRows } from './matrix.js';
import { ReweightingError } from './reweighting-error.js';
import { fitWeightedLeastSquares, predictLinear } from './weighted-least-squares.js';

describe('fitWeightedLeastSquares', () => {
  it('recovers an exact plane', () => {
    const x = matrixFromRows([[0, 1], [1, 0], [2, 2], [3, -1], [-1, 4]]);
    const y = Array.from({ length: 5 }, (_, i) => 0.5 + 2 * x.data[2 * i]! - 3 * x.data[2 * i + 1]!);
    const fit = fitWeightedLeastSquares(x, y, [1, 2, 0.5, 3, 1]);
    expect(fit.intercept).toBeCloseTo(0.5, 10);
    expect([...fit.coefficients].map((c) => Number(c.toFixed(10)))).toEqual([2, -3]);
    expect([...predictLinear(fit, x)].map((v, i) => v - y[i]!).every((r) => Math.abs(r) < 1e-10)).toBe(true);
  });

  it('integer weights equal duplicated rows, and zero weights equal dropped rows (brute force)', () => {
    const xs = [0, 1, 2, 3, 4];
    const ys = [1, 0, 3, 2, 7];
    const weighted = fitWeightedLeastSquares(matrixFromRows(xs.map((v) => [v])), ys, [2, 0, 1, 3, 1]);
    const dupX = [0, 0, 2, 3, 3, 3, 4];
    const dupY = [1, 1, 3, 2, 2, 2, 7];
    const duplicated = fitWeightedLeastSquares(matrixFromRows(dupX.map((v) => [v])), dupY);
    expect(weighted.intercept).toBeCloseTo(duplicated.intercept, 12);
    expect(weighted.coefficients[0]).toBeCloseTo(duplicated.coefficients[0]!, 12);
    // closed form of simple regression on the duplicated rows
    const mx = dupX.reduce((s, v) => s + v, 0) / 7;
    const my = dupY.reduce((s, v) => s + v, 0) / 7;
    const slope = dupX.reduce((s, v, i) => s + (v - mx) * (dupY[i]! - my), 0) / dupX.reduce((s, v) => s + (v - mx) ** 2, 0);
    expect(weighted.coefficients[0]).toBeCloseTo(slope, 12);
    expect(weighted.intercept).toBeCloseTo(my - slope * mx, 12);
  });

  it('rejects a singular weighted design, bad weights and mismatched lengths', () => {
    const x = matrixFromRows([[1], [1], [2]]);
    expect(() => fitWeightedLeastSquares(x, [1, 2, 3], [1, 1, 0])).toThrow(/singular weighted design/);
    expect(() => fitWeightedLeastSquares(x, [1, 2, 3], [1, -1, 1])).toThrow(ReweightingError);
    expect(() => fitWeightedLeastSquares(x, [1, 2])).toThrow("argument 'y' has 2 values but 'x' has 3 rows");
  });
});
