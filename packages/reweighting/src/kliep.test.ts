import { describe, expect, it } from 'vitest';

import { fitKliep, kliepDensityRatio } from './kliep.js';
import { matrixFromRows, type Matrix } from './matrix.js';
import { seededRandom } from './random.js';
import { ReweightingError } from './reweighting-error.js';

function gaussianColumn(n: number, mean: number, sd: number, seed: number): Matrix {
  const random = seededRandom(seed);
  return { rows: n, cols: 1, data: Float64Array.from({ length: n }, () => mean + sd * random.normal()) };
}

/** The KLIEP problem at a fitted model's centres and width: target kernel rows A and the mean source kernel row b. */
function kliepProblem(source: Matrix, target: Matrix, centers: Matrix, sigma: number): { a: number[][]; b: number[] } {
  const k = (x: number, c: number): number => Math.exp(-((x - c) ** 2) / (2 * sigma * sigma));
  const cs = [...centers.data];
  const a = [...target.data].map((x) => cs.map((c) => k(x, c)));
  const b = cs.map((c) => [...source.data].reduce((s, x) => s + k(x, c), 0) / source.rows);
  return { a, b };
}

const meanLogRatio = (a: number[][], alpha: ArrayLike<number>): number =>
  a.reduce((s, row) => s + Math.log(row.reduce((t, v, l) => t + v * alpha[l]!, 0)), 0) / a.length;

describe('fitKliep', () => {
  const source = gaussianColumn(150, 0.5, 0.5, 1);
  const target = gaussianColumn(120, 0, 0.3, 2);

  it('meets the constraint mean_source r = 1 with α ≥ 0, and the KKT conditions of the fixed-width problem', () => {
    const model = fitKliep(source, target, { sigmas: [0.3], centers: 30, polishIterations: 2000, polishTolerance: 0 });
    expect(model.sigma).toBe(0.3);
    expect(model.alpha.every((v) => v >= 0)).toBe(true);
    expect(model.ratio(source).reduce((s, v) => s + v, 0) / source.rows).toBeCloseTo(1, 12);
    // Lagrangian of max (1/n_t)Σ log(Aα) s.t. bᵀα = 1, α ≥ 0: g = (1/n_t)·Aᵀ(1/Aα), multiplier Σ α_l g_l = 1, so
    // g_l = b_l where α_l > 0 and g_l ≤ b_l where α_l = 0.
    const { a, b } = kliepProblem(source, target, model.centers, model.sigma);
    const fitted = model.ratio(target);
    const g = b.map((_, l) => a.reduce((s, row, i) => s + row[l]! / fitted[i]!, 0) / a.length);
    const alphaMax = Math.max(...model.alpha);
    g.forEach((gl, l) => {
      expect(gl / b[l]!).toBeLessThan(1.01);
      if (model.alpha[l]! > 1e-2 * alphaMax) expect(Math.abs(gl / b[l]! - 1)).toBeLessThan(0.01);
    });
  });

  it('no random feasible α beats the fitted objective (brute force), and polishing never lowers the paper-ascent objective', () => {
    const model = fitKliep(source, target, { sigmas: [0.3], centers: 20 });
    const ascentOnly = fitKliep(source, target, { sigmas: [0.3], centers: 20, polishIterations: 0 });
    expect(model.objective).toBeGreaterThanOrEqual(ascentOnly.objective);
    const { a, b } = kliepProblem(source, target, model.centers, model.sigma);
    expect(meanLogRatio(a, model.alpha)).toBeCloseTo(model.objective, 10);
    const random = seededRandom(3);
    for (let k = 0; k < 300; k += 1) {
      const alpha = b.map(() => (random.uniform() < 0.5 ? 0 : -Math.log(1 - random.uniform())));
      const scale = alpha.reduce((s, v, l) => s + v * b[l]!, 0);
      if (scale > 0) expect(meanLogRatio(a, alpha.map((v) => v / scale))).toBeLessThan(model.objective);
    }
  });

  it('chooses σ by likelihood cross-validation: the best held-out score of the grid', () => {
    const sigmas = [0.05, 0.15, 0.4, 1.2, 3.6];
    const model = fitKliep(source, target, { sigmas, folds: 4 });
    expect(model.cvScores.map((c) => c.sigma)).toEqual(sigmas);
    const best = model.cvScores.reduce((m, c) => (c.score > m.score ? c : m));
    expect(model.sigma).toBe(best.sigma);
    // a 3.6-wide kernel on a 0.3-wide target is nearly flat: its held-out likelihood must lose to the best
    expect(model.cvScores[4]!.score).toBeLessThan(best.score - 0.1);
  });

  it('estimates the ratio of N(1, 1) over N(0, 1): increasing like exp(x − ½) and within 25% of it in the bulk', () => {
    const s = gaussianColumn(400, 0, 1, 11);
    const t = gaussianColumn(400, 1, 1, 12);
    const model = kliepDensityRatio()(s, t);
    const x: Matrix = { rows: 7, cols: 1, data: Float64Array.of(-0.5, 0, 0.5, 1, 1.5, 2, 2.5) };
    const r = model.ratio(x);
    for (let i = 0; i < 7; i += 1) expect(Math.abs(r[i]! / Math.exp(x.data[i]! - 0.5) - 1)).toBeLessThan(0.25);
    for (let i = 1; i < 7; i += 1) expect(r[i]!).toBeGreaterThan(r[i - 1]!);
  });
});

describe('fitKliep on degenerate input', () => {
  const ok = matrixFromRows([[0, 1], [1, 0], [2, 2], [0.5, 1], [1, 1.5]]);
  it('names an empty group, mismatched columns, a non-finite cell and bad options', () => {
    expect(() => fitKliep({ rows: 0, cols: 2, data: new Float64Array(0) }, ok)).toThrow("argument 'source' has no rows (one group empty)");
    expect(() => fitKliep(ok, matrixFromRows([[1], [2]]))).toThrow("argument 'target' has 1 columns but 'source' has 2");
    expect(() => fitKliep(ok, matrixFromRows([[1, Number.NEGATIVE_INFINITY]]))).toThrow("argument 'target' row 0, column 1 is -Infinity");
    expect(() => fitKliep(ok, ok, { sigmas: [0.5, -1] })).toThrow(ReweightingError);
    expect(() => fitKliep(ok, ok, { folds: 9 })).toThrow("options.folds");
    expect(() => fitKliep(ok, ok, { centers: 6 })).toThrow("options.centers");
  });

  it('reports a singular kernel when the widths leave the source without kernel mass', () => {
    const source = gaussianColumn(50, 0, 1, 21);
    const target = gaussianColumn(50, 0, 1, 22);
    expect(() => fitKliep(source, target, { sigmas: [1e-4] })).toThrow(/singular kernel/);
    expect(() => fitKliep(source, target, { sigmas: [1e-4, 2e-4] })).toThrow(/singular kernel at every candidate width/);
  });
});
