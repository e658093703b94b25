import { describe, expect, it } from 'vitest';

import { DOUBLE_WEIGHTING_D_GRID, doubleWeighting } from './double-weighting.js';
import { projectDoubleWeights } from './double-weighting-feasible-set.js';
import { gaussianKernel } from './gaussian-kernel.js';
import { type Matrix, matrixFromRows } from './matrix.js';
import { seededRandom } from './random.js';
import { ReweightingError } from './reweighting-error.js';
import { fitWeightedLeastSquares, predictLinear } from './weighted-least-squares.js';

const mean = (v: ArrayLike<number>): number => Array.from(v).reduce((s, x) => s + x, 0) / v.length;
const std = (v: number[]): number => Math.sqrt(v.reduce((s, x) => s + (x - mean(v)) ** 2, 0) / (v.length - 1));

/** The double-weighting objective `(β, α) ↦ vᵀKv`, `v = (β/n, −α/t)`, `K` the kernel of the pooled rows. */
function objectiveOf(source: Matrix, target: Matrix, sigma: number) {
  const x: Matrix = { rows: source.rows + target.rows, cols: source.cols, data: Float64Array.from([...source.data, ...target.data]) };
  const k = gaussianKernel(x, x, sigma).data;
  const m = x.rows;
  const v = new Float64Array(m);
  return (beta: ArrayLike<number>, alpha: ArrayLike<number>): number => {
    for (let i = 0; i < source.rows; i++) v[i] = beta[i]! / source.rows;
    for (let j = 0; j < target.rows; j++) v[source.rows + j] = -alpha[j]! / target.rows;
    let f = 0;
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) f += v[i]! * k[i * m + j]! * v[j]!;
    return f;
  };
}

function gaussianRows(n: number, cols: number, centre: number, sd: number, random: ReturnType<typeof seededRandom>): Matrix {
  return { rows: n, cols, data: Float64Array.from({ length: n * cols }, () => centre + sd * random.normal()) };
}

describe('doubleWeighting', () => {
  it('uses the reference D grid 1/(1 − k/10)², k = 0..9 (Experiments_Paper/Experiment_Features.py line 52)', () => {
    expect(DOUBLE_WEIGHTING_D_GRID).toHaveLength(10);
    expect(DOUBLE_WEIGHTING_D_GRID[0]).toBe(1);
    expect(DOUBLE_WEIGHTING_D_GRID[9]).toBeCloseTo(100, 10);
  });

  it('matches an exhaustive grid on n = t = 2 (no grid point beats it, and it is feasible)', () => {
    // B = 2, D = 4: β ∈ [0, 1], α ∈ [0, 1], ‖α − 1‖ ≤ √2/2, |mean β − mean α| ≤ 1 − 1/√2 (DWGCS/DWGCS.py lines 14, 32–41).
    const source = matrixFromRows([[0], [1.2]]);
    const target = matrixFromRows([[0.3], [2.5]]);
    const sigma = 0.8;
    const B = 2;
    const D = 4;
    const eps = 1 - 1 / Math.SQRT2;
    const result = doubleWeighting(source, target, { sigma, B, D });
    const { beta, alpha } = result;
    const f = objectiveOf(source, target, sigma);
    for (const b of beta) expect(b >= 0 && b <= B / Math.sqrt(D) + 1e-12).toBe(true);
    for (const a of alpha) expect(a >= 0 && a <= 1 + 1e-12).toBe(true);
    expect(Math.abs(mean(beta) - mean(alpha))).toBeLessThanOrEqual(eps + 1e-12);
    expect(Math.hypot(alpha[0]! - 1, alpha[1]! - 1)).toBeLessThanOrEqual((1 - 1 / Math.sqrt(D)) * Math.SQRT2 + 1e-12);
    expect(result.objective).toBeCloseTo(f(beta, alpha), 14);
    const steps = 40;
    let best = Infinity;
    for (let i0 = 0; i0 <= steps; i0++) {
      for (let i1 = 0; i1 <= steps; i1++) {
        const b = [i0 / steps, i1 / steps];
        for (let j0 = 0; j0 <= steps; j0++) {
          for (let j1 = 0; j1 <= steps; j1++) {
            const a = [j0 / steps, j1 / steps];
            if (Math.abs(mean(b) - mean(a)) > eps || Math.hypot(a[0]! - 1, a[1]! - 1) > Math.SQRT2 / 2) continue;
            best = Math.min(best, f(b, a));
          }
        }
      }
    }
    expect(result.objective).toBeLessThanOrEqual(best + 1e-9);
    expect(best - result.objective).toBeLessThan(1e-3); // the grid is fine enough to come close
  });

  it('meets the optimality condition z = P_C(z − ∇f(z)/L) to 1e-5 in weight units (n = t = 30, 2-D, D = 1, 4, 100)', () => {
    for (const D of [1, 4, 100]) {
      const random = seededRandom(2);
      const source = gaussianRows(30, 2, 0.5, 0.5, random);
      const target = gaussianRows(30, 2, 0, 0.3, random);
      const result = doubleWeighting(source, target, { D });
      expect(result.converged).toBe(true);
      const n = 30;
      const m = 60;
      const x: Matrix = { rows: m, cols: 2, data: Float64Array.from([...source.data, ...target.data]) };
      const k = gaussianKernel(x, x, result.sigma).data;
      const z = Float64Array.from([...Array.from(result.beta, (b) => b / n), ...Array.from(result.alpha, (a) => a / n)]);
      let lipschitz = 0;
      for (let i = 0; i < m; i++) lipschitz = Math.max(lipschitz, 2 * k.slice(i * m, (i + 1) * m).reduce((s, v) => s + v, 0));
      const y = new Float64Array(m);
      for (let i = 0; i < m; i++) {
        let g = 0;
        for (let j = 0; j < m; j++) g += k[i * m + j]! * (j < n ? z[j]! : -z[j]!);
        y[i] = z[i]! - ((i < n ? 2 : -2) * g) / lipschitz;
      }
      const projected = new Float64Array(m);
      // Defaults B = 1000 and ε = 1 − 1/√n: MachineLearningBCAM/MRCs-for-Covariate-Shift-Adaptation, DWGCS/DWGCS.py
      // lines 15 and 14; the set is lines 32–41 in the variables (β/n, α/t).
      const set = { uUpper: 1000 / Math.sqrt(D) / n, wUpper: 1 / n, radius: (1 - 1 / Math.sqrt(D)) / Math.sqrt(n), epsilon: 1 - 1 / Math.sqrt(n) };
      projectDoubleWeights(y.subarray(0, n), y.subarray(n), set, projected.subarray(0, n), projected.subarray(n));
      let step = 0;
      for (let i = 0; i < m; i++) step = Math.max(step, n * Math.abs(projected[i]! - z[i]!));
      expect(step).toBeLessThan(1e-5);
    }
  });

  it('D = 1 is kernel mean matching: α = 1 exactly, and β = 1 when the target sample is the source sample', () => {
    const random = seededRandom(8);
    const source = gaussianRows(25, 2, 0, 1, random);
    const same = doubleWeighting(source, source, { D: 1 });
    expect(Array.from(same.alpha).every((a) => a === 1)).toBe(true);
    for (const b of same.beta) expect(b).toBeCloseTo(1, 4);
    expect(same.objective).toBeLessThan(1e-10);
    // Huang et al. (2007) write KMM as min ½βᵀKβ − κᵀβ, κ_i = (n/t)Σ_j k(x_i, x'_j), β ∈ [0, B], |Σβ − n| ≤ nε:
    // n²/2 times the double-weighting objective minus a constant, so the D = 1 minimiser is theirs.
    const target = gaussianRows(20, 2, 0.5, 0.6, random);
    const result = doubleWeighting(source, target, { D: 1 });
    const kss = gaussianKernel(source, source, result.sigma).data;
    const kst = gaussianKernel(source, target, result.sigma).data;
    const ktt = gaussianKernel(target, target, result.sigma).data;
    const huang = (beta: Float64Array): number => {
      let v = 0;
      for (let i = 0; i < 25; i++) {
        let kappa = 0;
        for (let j = 0; j < 20; j++) kappa += (25 / 20) * kst[i * 20 + j]!;
        for (let j = 0; j < 25; j++) v += 0.5 * beta[i]! * kss[i * 25 + j]! * beta[j]!;
        v -= kappa * beta[i]!;
      }
      return v;
    };
    const constant = (0.5 * 25 * 25 * ktt.reduce((s, v) => s + v, 0)) / (20 * 20);
    expect(huang(result.beta) + constant).toBeCloseTo((25 * 25 * result.objective) / 2, 8);
    // And no feasible perturbation of β lowers Huang's objective.
    for (let trial = 0; trial < 20; trial++) {
      const moved = result.beta.map((b) => Math.max(0, b + 0.05 * random.normal()));
      if (Math.abs(mean(moved) - 1) > 1 - 1 / 5) continue;
      expect(huang(moved)).toBeGreaterThanOrEqual(huang(result.beta) - 1e-9);
    }
  });

  it('with D > 1 gives test points outside the training support weights near 0 (D = 1 cannot)', () => {
    const random = seededRandom(4);
    const source = gaussianRows(60, 2, 0, 1, random);
    const target = gaussianRows(50, 2, 0, 0.7, random);
    for (let j = 40; j < 50; j++) {
      target.data[2 * j] = 6 + 0.3 * random.normal();
      target.data[2 * j + 1] = 6 + 0.3 * random.normal();
    }
    const kmm = doubleWeighting(source, target, { D: 1 });
    const dw = doubleWeighting(source, target, { D: 4 });
    expect(mean(kmm.alpha.slice(40))).toBe(1);
    expect(Math.max(...dw.alpha.slice(40))).toBeLessThan(0.01);
    expect(mean(dw.alpha.slice(0, 40))).toBeGreaterThan(0.7);
    expect(dw.objective).toBeLessThan(kmm.objective / 100);
  });

  it('β-weighted least squares lowers target error on the Shimodaira (2000) toy, 5 seeds (mean ± std)', () => {
    // x_source ~ N(0.5, 0.5²), x_target ~ N(0, 0.3²), y = −x + x³ + N(0, 0.3²); a line is misspecified.
    const unweighted: number[] = [];
    const weighted: number[] = [];
    const oracle: number[] = [];
    const normal = (v: number, centre: number, sd: number): number => Math.exp(-0.5 * ((v - centre) / sd) ** 2) / sd;
    for (const seed of [1, 2, 3, 4, 5]) {
      const random = seededRandom(seed);
      const draw = (centre: number, sd: number) => {
        const x = gaussianRows(100, 1, centre, sd, random);
        return { x, y: x.data.map((v) => -v + v ** 3 + 0.3 * random.normal()) };
      };
      const s = draw(0.5, 0.5);
      const t = draw(0, 0.3);
      const { beta } = doubleWeighting(s.x, t.x, { D: 1 });
      const mse = (w?: Float64Array): number => {
        const p = predictLinear(fitWeightedLeastSquares(s.x, s.y, w), t.x);
        return mean(p.map((v, i) => (v - t.y[i]!) ** 2));
      };
      unweighted.push(mse());
      weighted.push(mse(beta));
      oracle.push(mse(s.x.data.map((v) => normal(v, 0, 0.3) / normal(v, 0.5, 0.5))));
    }
    // Measured: unweighted 0.408 ± 0.140, β-weighted (D = 1) 0.111 ± 0.016, true-ratio weighted 0.091 ± 0.009.
    expect(mean(weighted)).toBeLessThan(0.5 * mean(unweighted));
    expect(weighted.every((w, i) => w < unweighted[i]!)).toBe(true);
    expect(std(weighted)).toBeLessThan(std(unweighted));
    expect(mean(weighted)).toBeLessThan(1.5 * mean(oracle)); // close to weighting by the true density ratio
  });

  it('names the bad argument', () => {
    const a = matrixFromRows([[0], [1], [2]]);
    const expectError = (f: () => unknown, text: string) => {
      expect(f).toThrow(ReweightingError);
      expect(f).toThrow(text);
    };
    expectError(() => doubleWeighting(matrixFromRows([]), a), 'one group empty');
    expectError(() => doubleWeighting(a, matrixFromRows([[0, 1]])), 'mismatched columns');
    expectError(() => doubleWeighting(a, matrixFromRows([[Number.NaN]])), "'target' row 0, column 0 is NaN");
    expectError(() => doubleWeighting(matrixFromRows([[1], [1]]), matrixFromRows([[1]])), 'identical points');
    expectError(() => doubleWeighting(a, a, { D: 0.5 }), "'options.D'");
    expectError(() => doubleWeighting(a, a, { B: 0 }), "'options.B'");
    expectError(() => doubleWeighting(matrixFromRows([[0]]), a), "'options.epsilon'"); // n = 1: ε = 1 − 1/√1 = 0
    expectError(() => doubleWeighting(a, a, { B: 0.1, epsilon: 0.1 }), 'no strictly feasible weights');
    expectError(() => doubleWeighting(a, a, { sigma: -1 }), "'options.sigma'");
  });
});
