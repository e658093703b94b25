import type { Matrix } from './matrix.js';
import { ReweightingError } from './reweighting-error.js';
import { solveSymmetricPositive } from './spd-solve.js';

/** Options of {@link fitLogisticRegression}. */
export interface LogisticRegressionOptions {
  /**
   * λ of the L2 penalty `(λ/2)·‖β‖²` added to the mean log-loss (intercept not penalised). Default `1/n`, which is
   * scikit-learn's `LogisticRegression(C = 1)` (`C·Σ loss + ½‖β‖²`) divided by `C·n`.
   */
  readonly l2?: number;
  /** Newton iterations. Default 100. */
  readonly maxIterations?: number;
  /** Stop when half the squared Newton decrement `½·gᵀH⁻¹g` is ≤ this. Default 1e-20 (Newton converges quadratically: one step past 1e-10 lands here). */
  readonly tolerance?: number;
}

/** A fitted binary logistic regression `P(y = 1 | x) = σ(b + xᵀβ)`. */
export interface LogisticRegressionModel {
  readonly intercept: number;
  /** β `[cols]`. */
  readonly coefficients: Float64Array;
  /** Mean log-loss on the training rows at the solution (without the penalty). */
  readonly meanLogLoss: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/** `log(1 + eᶻ)` without overflow. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** The logistic function `σ(z) = 1/(1 + e⁻ᶻ)`, stable for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Logits `b + xᵢᵀβ` `[rows]` of `model` on the rows of `x` (`[rows × cols]`). */
export function logisticLogits(model: LogisticRegressionModel, x: Matrix): Float64Array {
  const p = model.coefficients.length;
  if (x.cols !== p) throw new ReweightingError('logisticLogits', 'x', `has ${x.cols} columns, the model has ${p}`);
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i += 1) {
    let z = model.intercept;
    for (let j = 0; j < p; j += 1) z += x.data[i * p + j]! * model.coefficients[j]!;
    out[i] = z;
  }
  return out;
}

/**
 * L2-regularised binary logistic regression in float64:
 * `min_{b,β} (1/n)·Σᵢ [log(1 + e^{zᵢ}) − yᵢ·zᵢ] + (λ/2)·‖β‖²`, `zᵢ = b + xᵢᵀβ`, solved by Newton's method with
 * backtracking (Armijo) line search — exact second order, suited to the few (≤ a few dozen) columns of a domain
 * classifier. `x` is `[n × p]`, `y` `[n]` of 0/1. Inputs are assumed checked (finite, n ≥ 1). With `λ = 0` on
 * separable rows the optimum is at infinity: the run stops at `maxIterations` with `converged = false`.
 */
export function fitLogisticRegression(
  x: Matrix,
  y: ArrayLike<number>,
  options: LogisticRegressionOptions = {},
): LogisticRegressionModel {
  const fn = 'fitLogisticRegression';
  const n = x.rows;
  const p = x.cols;
  if (y.length !== n) throw new ReweightingError(fn, 'y', `has ${y.length} labels but 'x' has ${n} rows`);
  const lambda = options.l2 ?? 1 / n;
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new ReweightingError(fn, 'options.l2', `must be finite and ≥ 0, got ${lambda}`);
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-20;
  const d = p + 1; // parameter 0 is the intercept
  let w = new Float64Array(d);
  const objective = (v: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < n; i += 1) {
      let z = v[0]!;
      for (let j = 0; j < p; j += 1) z += x.data[i * p + j]! * v[j + 1]!;
      s += softplus(z) - y[i]! * z;
    }
    let r = 0;
    for (let j = 1; j < d; j += 1) r += v[j]! ** 2;
    return s / n + 0.5 * lambda * r;
  };
  let value = objective(w);
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIterations; iterations += 1) {
    const g = new Float64Array(d);
    const h = new Float64Array(d * d);
    const row = new Float64Array(d);
    row[0] = 1;
    for (let i = 0; i < n; i += 1) {
      let z = w[0]!;
      for (let j = 0; j < p; j += 1) {
        row[j + 1] = x.data[i * p + j]!;
        z += row[j + 1]! * w[j + 1]!;
      }
      const mu = sigmoid(z);
      const r = (mu - y[i]!) / n;
      const s = (mu * (1 - mu)) / n;
      for (let a = 0; a < d; a += 1) {
        g[a] = g[a]! + r * row[a]!;
        const sa = s * row[a]!;
        for (let b = 0; b <= a; b += 1) h[a * d + b] = h[a * d + b]! + sa * row[b]!;
      }
    }
    for (let j = 1; j < d; j += 1) {
      g[j] = g[j]! + lambda * w[j]!;
      h[j * d + j] = h[j * d + j]! + lambda;
    }
    let step = solveSymmetricPositive(h, g, d);
    for (let ridge = 1e-12; step === undefined && ridge < 1e6; ridge *= 100) {
      const hr = Float64Array.from(h);
      for (let j = 0; j < d; j += 1) hr[j * d + j] = hr[j * d + j]! + ridge;
      step = solveSymmetricPositive(hr, g, d);
    }
    if (step === undefined) break;
    let decrement = 0;
    for (let j = 0; j < d; j += 1) decrement += g[j]! * step[j]!;
    if (decrement / 2 <= tolerance) {
      converged = true;
      break;
    }
    let t = 1;
    let decreased = false;
    for (let k = 0; k < 50; k += 1) {
      const trial = w.map((v, j) => v - t * step[j]!);
      const tv = objective(trial);
      if (tv <= value - 1e-4 * t * decrement) {
        w = trial;
        decreased = tv < value;
        value = tv;
        break;
      }
      t /= 2;
    }
    if (!decreased) {
      converged = true; // no decrease representable in float64 along the Newton direction
      break;
    }
  }
  const coefficients = w.slice(1);
  let penalty = 0;
  for (const c of coefficients) penalty += c * c;
  return { intercept: w[0]!, coefficients, meanLogLoss: value - 0.5 * lambda * penalty, iterations, converged };
}
