import { describe, expect, it } from 'vitest';

import { solveDoubleWeightingInteriorPoint } from './double-weighting-interior-point.js';

/** The identity factor (K = I): the objective is ‖u‖² + ‖w‖². */
function identity(m: number) {
  const data = new Float64Array(m * m);
  for (let i = 0; i < m; i++) data[i * m + i] = 1;
  return { rows: m, cols: m, data };
}

describe('solveDoubleWeightingInteriorPoint', () => {
  it('finds the closed-form minimiser of ‖u‖² + ‖w‖² with the ball and the mean gap active', () => {
    // By symmetry w = ω·1, u = υ·1; minimising nυ² + tω² with nυ ≥ tω − ε puts ω at the ball's lowest level
    // ω = c − ρ/√t and υ = (tω − ε)/n.
    const n = 3;
    const t = 2;
    const set = { uUpper: 1, wUpper: 0.5, radius: 0.2, epsilon: 0.1 };
    const result = solveDoubleWeightingInteriorPoint(identity(n + t), n, t, set);
    expect(result.gap).toBeLessThan(1e-7); // active mean gap: a precision floor near 1e-7 relative (see the doc comment)
    const omega = 0.5 - 0.2 / Math.SQRT2;
    const upsilon = (t * omega - 0.1) / n;
    for (const w of result.w) expect(w).toBeCloseTo(omega, 6);
    for (const u of result.u) expect(u).toBeCloseTo(upsilon, 6);
  });

  it('keeps w = 1/t when the radius is 0 and puts u on the mean-gap bound', () => {
    // w fixed at c = 1/t (Σw = 1): minimise ‖u‖² s.t. Σu ≥ 1 − ε → u_i = (1 − ε)/n.
    const n = 4;
    const t = 3;
    const set = { uUpper: 1, wUpper: 1 / 3, radius: 0, epsilon: 0.5 };
    const result = solveDoubleWeightingInteriorPoint(identity(n + t), n, t, set);
    expect(result.gap).toBeLessThan(1e-7);
    expect(Array.from(result.w)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    for (const u of result.u) expect(u).toBeCloseTo(0.5 / 4, 8);
  });

  it('reports non-convergence when the iteration cap is too small', () => {
    const set = { uUpper: 1, wUpper: 0.5, radius: 0.2, epsilon: 0.1 };
    const result = solveDoubleWeightingInteriorPoint(identity(5), 3, 2, set, { maxIterations: 2 });
    expect(result.converged).toBe(false);
    expect(result.iterations).toBe(2);
  });
});
