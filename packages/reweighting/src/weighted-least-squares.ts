import type { Matrix } from './matrix.js';
import { ReweightingError } from './reweighting-error.js';
import { solveSymmetricPositive } from './spd-solve.js';

/** A fitted linear predictor `ŷ = b + xᵀβ`. */
export interface LinearFit {
  readonly intercept: number;
  /** β `[cols]`. */
  readonly coefficients: Float64Array;
}

/**
 * Weighted least squares with an intercept: `min_{b,β} Σᵢ wᵢ·(yᵢ − b − xᵢᵀβ)²`, by the normal equations
 * `[1 X]ᵀW[1 X]·θ = [1 X]ᵀW·y` and a Cholesky solve. `x` `[n × p]`, `y` and `weights` `[n]` (default all 1). The
 * importance-weighted least squares of Shimodaira (2000) when `w` is the density ratio at the source rows.
 * @throws ReweightingError on mismatched lengths, a negative or non-finite weight, or a singular weighted design.
 */
export function fitWeightedLeastSquares(x: Matrix, y: ArrayLike<number>, weights?: ArrayLike<number>): LinearFit {
  const fn = 'fitWeightedLeastSquares';
  const n = x.rows;
  const p = x.cols;
  if (y.length !== n) throw new ReweightingError(fn, 'y', `has ${y.length} values but 'x' has ${n} rows`);
  if (weights !== undefined && weights.length !== n) throw new ReweightingError(fn, 'weights', `has ${weights.length} values but 'x' has ${n} rows`);
  const d = p + 1;
  const a = new Float64Array(d * d);
  const b = new Float64Array(d);
  const row = new Float64Array(d);
  row[0] = 1;
  for (let i = 0; i < n; i += 1) {
    const w = weights === undefined ? 1 : weights[i]!;
    if (!(w >= 0) || !Number.isFinite(w)) throw new ReweightingError(fn, 'weights', `must be finite and ≥ 0, got ${w} at row ${i}`);
    for (let j = 0; j < p; j += 1) row[j + 1] = x.data[i * p + j]!;
    for (let r = 0; r < d; r += 1) {
      b[r] = b[r]! + w * row[r]! * y[i]!;
      for (let s = 0; s <= r; s += 1) a[r * d + s] = a[r * d + s]! + w * row[r]! * row[s]!;
    }
  }
  const theta = solveSymmetricPositive(a, b, d);
  if (theta === undefined) throw new ReweightingError(fn, 'x', 'gives a singular weighted design (fewer distinct rows with positive weight than parameters)');
  return { intercept: theta[0]!, coefficients: theta.slice(1) };
}

/** Predictions `b + xᵢᵀβ` `[rows]` of a {@link LinearFit}. */
export function predictLinear(fit: LinearFit, x: Matrix): Float64Array {
  const p = fit.coefficients.length;
  if (x.cols !== p) throw new ReweightingError('predictLinear', 'x', `has ${x.cols} columns, the fit has ${p}`);
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i += 1) {
    let v = fit.intercept;
    for (let j = 0; j < p; j += 1) v += x.data[i * p + j]! * fit.coefficients[j]!;
    out[i] = v;
  }
  return out;
}
