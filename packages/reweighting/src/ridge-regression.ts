import type { Matrix } from './matrix.js';
import { ReweightingError } from './reweighting-error.js';
import { solveSymmetricPositive } from './spd-solve.js';
import { assertFiniteMatrix } from './treatment-data.js';

/** The basis a ridge model is fitted on: the standardised covariates, or those plus their squares and pairwise products. */
export type RidgeFeatures = 'linear' | 'quadratic';

/**
 * Options of {@link fitRidgeRegression}. Defaults: quadratic features, unit weights, λ chosen by exact weighted
 * leave-one-out error over {10⁻³, 10⁻², …, 10⁴}.
 */
export interface RidgeRegressionOptions {
  readonly features?: RidgeFeatures;
  /** Non-negative sample weights `[n]`. Default all 1. */
  readonly weights?: ArrayLike<number>;
  /** Candidate penalties λ; the one with the least weighted leave-one-out error is kept. */
  readonly lambdas?: readonly number[];
}

/** A fitted ridge model. */
export interface RidgeRegressionModel {
  readonly features: RidgeFeatures;
  /** The chosen λ. */
  readonly lambda: number;
  readonly intercept: number;
  /** β on the expanded features `[p]`. */
  readonly coefficients: Float64Array;
  /** Weighted leave-one-out mean squared error at the chosen λ. */
  readonly looError: number;
  /** Predictions `[rows]` for covariate rows of the fitted column count. */
  predict(x: Matrix): Float64Array;
}

const DEFAULT_LAMBDAS = [1e-3, 1e-2, 1e-1, 1, 10, 100, 1e3, 1e4];

/**
 * Weighted ridge regression on a feature expansion of standardised covariates:
 *   min_{b,β} Σ_i w_i (y_i − b − φ(x_i)ᵀβ)² + λ‖β‖²   (intercept unpenalised),
 * φ the map of {@link fitFeatureMap} fixed on the training rows (standardised covariates, and for `'quadratic'` also
 * their squares and pairwise products). Solved through the normal equations by Cholesky; λ chosen by
 * the exact leave-one-out residuals e_i/(1 − h_ii), h_ii = w_i φ̃_iᵀ(Φ̃ᵀWΦ̃ + Λ)⁻¹φ̃_i (Allen 1974), scored as
 * Σ w_i (e_i/(1 − h_ii))² / Σ w_i. Cost O(n p² + p⁴) per λ, p = d(d + 3)/2 for quadratic features.
 * @throws ReweightingError for NaN cells (row and column named), mismatched lengths, negative weights, all-zero
 *   weights, or a singular system (λ = 0 with collinear features).
 */
export function fitRidgeRegression(x: Matrix, y: ArrayLike<number>, options: RidgeRegressionOptions = {}): RidgeRegressionModel {
  const fn = 'fitRidgeRegression';
  assertFiniteMatrix(fn, x, 'x');
  const n = x.rows;
  if (n === 0) throw new ReweightingError(fn, 'x', 'has no rows');
  if (y.length !== n) throw new ReweightingError(fn, 'y', `has ${y.length} values, x has ${n} rows`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(y[i])) throw new ReweightingError(fn, 'y', `row ${i} is ${y[i]}`);
  const weights = options.weights;
  if (weights && weights.length !== n) throw new ReweightingError(fn, 'options.weights', `has ${weights.length} values, x has ${n} rows`);
  let totalWeight = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i]! : 1;
    if (!(w >= 0) || !Number.isFinite(w)) throw new ReweightingError(fn, 'options.weights', `row ${i} is ${w}; weights must be finite and ≥ 0`);
    totalWeight += w;
  }
  if (!(totalWeight > 0)) throw new ReweightingError(fn, 'options.weights', 'are all 0');
  const features = options.features ?? 'quadratic';
  const lambdas = options.lambdas ?? DEFAULT_LAMBDAS;
  const expand = fitFeatureMap(x, features);
  const phi = expand(x);
  const d = phi.cols + 1; // column 0 is the intercept
  // Weighted Gram matrix and moment vector of [1, φ].
  const gram = new Float64Array(d * d);
  const moment = new Float64Array(d);
  const row = new Float64Array(d);
  row[0] = 1;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i]! : 1;
    if (w === 0) continue;
    row.set(phi.data.subarray(i * phi.cols, (i + 1) * phi.cols), 1);
    for (let a = 0; a < d; a++) {
      const wa = w * row[a]!;
      moment[a] = moment[a]! + wa * y[i]!;
      for (let b = 0; b <= a; b++) gram[a * d + b] = gram[a * d + b]! + wa * row[b]!;
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) gram[b * d + a] = gram[a * d + b]!;
  let best: { lambda: number; beta: Float64Array; loo: number } | undefined;
  for (const lambda of lambdas) {
    if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new ReweightingError(fn, 'options.lambdas', `holds ${lambda}; penalties must be finite and ≥ 0`);
    const a = Float64Array.from(gram);
    for (let j = 1; j < d; j++) a[j * d + j] = a[j * d + j]! + lambda;
    const beta = solveSymmetricPositive(a, moment, d);
    if (!beta) continue;
    const inverse = new Float64Array(d * d);
    const unit = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      unit.fill(0);
      unit[j] = 1;
      inverse.set(solveSymmetricPositive(a, unit, d)!, j * d);
    }
    let loo = 0;
    for (let i = 0; i < n; i++) {
      const w = weights ? weights[i]! : 1;
      if (w === 0) continue;
      row.set(phi.data.subarray(i * phi.cols, (i + 1) * phi.cols), 1);
      let fit = 0;
      let h = 0;
      for (let p = 0; p < d; p++) {
        fit += row[p]! * beta[p]!;
        let s = 0;
        for (let q = 0; q < d; q++) s += inverse[p * d + q]! * row[q]!;
        h += row[p]! * s;
      }
      const e = (y[i]! - fit) / Math.max(1 - w * h, 1e-12);
      loo += w * e * e;
    }
    loo /= totalWeight;
    if (!best || loo < best.loo) best = { lambda, beta, loo };
  }
  if (!best) throw new ReweightingError(fn, 'x', `gives a singular system for every λ in [${lambdas.join(', ')}] (collinear features with λ = 0)`);
  const { beta } = best;
  const cols = x.cols;
  return {
    features,
    lambda: best.lambda,
    intercept: beta[0]!,
    coefficients: beta.slice(1),
    looError: best.loo,
    predict(z: Matrix): Float64Array {
      if (z.cols !== cols) throw new ReweightingError('RidgeRegressionModel.predict', 'x', `has ${z.cols} columns, the model was fitted on ${cols}`);
      assertFiniteMatrix('RidgeRegressionModel.predict', z, 'x');
      const f = expand(z);
      const out = new Float64Array(z.rows);
      for (let i = 0; i < z.rows; i++) {
        let s = beta[0]!;
        for (let j = 0; j < f.cols; j++) s += f.data[i * f.cols + j]! * beta[j + 1]!;
        out[i] = s;
      }
      return out;
    },
  };
}

/**
 * The feature map of {@link fitRidgeRegression}, fixed on the rows of `x`: z = (x − mean)/sd per column (pooled mean
 * and sample sd of `x`; constant columns left unscaled), then φ = z (`'linear'`, d columns) or
 * (z, z_a z_b for a ≤ b) (`'quadratic'`, d(d + 3)/2 columns). Returns the map, to apply to any rows of d columns.
 */
export function fitFeatureMap(x: Matrix, features: RidgeFeatures): (z: Matrix) => Matrix {
  const d = x.cols;
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (let c = 0; c < d; c++) {
    let m = 0;
    for (let i = 0; i < x.rows; i++) m += x.data[i * d + c]!;
    m /= x.rows;
    let v = 0;
    for (let i = 0; i < x.rows; i++) v += (x.data[i * d + c]! - m) ** 2;
    const sd = Math.sqrt(v / Math.max(x.rows - 1, 1));
    mean[c] = m;
    scale[c] = sd > 0 ? 1 / sd : 1;
  }
  const p = features === 'linear' ? d : (d * (d + 3)) / 2;
  return (z) => {
    const data = new Float64Array(z.rows * p);
    for (let i = 0; i < z.rows; i++) {
      const o = i * p;
      for (let c = 0; c < d; c++) data[o + c] = (z.data[i * d + c]! - mean[c]!) * scale[c]!;
      if (features === 'quadratic') {
        let k = o + d;
        for (let a = 0; a < d; a++) for (let b = a; b < d; b++) data[k++] = data[o + a]! * data[o + b]!;
      }
    }
    return { rows: z.rows, cols: p, data };
  };
}
