import {
  checkPositiveInt,
  nullTheta,
  packageModel,
  prepare,
  sigmoid64,
  softplus64,
  solverSettings,
  type CovariateRows,
  type CumulativeFitOptions,
  type PrestoModel,
} from './cumulative-model.js';

/** Solves a small symmetric positive-definite system by Cholesky (jittered if needed); returns the solution. */
function solveSpd(matrix: Float64Array, rhs: Float64Array, size: number): Float64Array {
  for (let jitter = 0; ; jitter = jitter === 0 ? 1e-12 : jitter * 100) {
    const l = new Float64Array(size * size);
    let ok = true;
    for (let i = 0; i < size && ok; i += 1) {
      for (let j = 0; j <= i; j += 1) {
        let s = (matrix[i * size + j] ?? 0) + (i === j ? jitter : 0);
        for (let k = 0; k < j; k += 1) s -= (l[i * size + k] ?? 0) * (l[j * size + k] ?? 0);
        if (i === j) {
          if (!(s > 0)) {
            ok = false;
            break;
          }
          l[i * size + i] = Math.sqrt(s);
        } else {
          l[i * size + j] = s / (l[j * size + j] ?? 1);
        }
      }
    }
    if (!ok) continue;
    const w = new Float64Array(size);
    for (let i = 0; i < size; i += 1) {
      let s = rhs[i] ?? 0;
      for (let k = 0; k < i; k += 1) s -= (l[i * size + k] ?? 0) * (w[k] ?? 0);
      w[i] = s / (l[i * size + i] ?? 1);
    }
    const out = new Float64Array(size);
    for (let i = size - 1; i >= 0; i -= 1) {
      let s = w[i] ?? 0;
      for (let k = i + 1; k < size; k += 1) s -= (l[k * size + i] ?? 0) * (out[k] ?? 0);
      out[i] = s / (l[i * size + i] ?? 1);
    }
    return out;
  }
}

/** Newton's method for one logistic regression of t_i ∈ {0, 1} on [1, z_i]; returns [intercept, slopes…]. */
function newtonLogistic(
  z: Float64Array,
  n: number,
  p: number,
  target: Uint8Array,
  start: number,
  tol: number,
  maxIter: number,
): { coef: Float64Array; value: number; iterations: number; converged: boolean } {
  const size = p + 1;
  let coef = new Float64Array(size);
  coef[0] = start;
  const value = (c: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < n; i += 1) {
      let eta = c[0] ?? 0;
      for (let j = 0; j < p; j += 1) eta += (c[j + 1] ?? 0) * (z[i * p + j] ?? 0);
      s += target[i] === 1 ? softplus64(-eta) : softplus64(eta);
    }
    return s / n;
  };
  let current = value(coef);
  for (let iter = 1; iter <= maxIter; iter += 1) {
    const grad = new Float64Array(size);
    const hess = new Float64Array(size * size);
    for (let i = 0; i < n; i += 1) {
      let eta = coef[0] ?? 0;
      for (let j = 0; j < p; j += 1) eta += (coef[j + 1] ?? 0) * (z[i * p + j] ?? 0);
      const prob = sigmoid64(eta);
      const r = prob - (target[i] ?? 0);
      const w = prob * (1 - prob);
      for (let a = 0; a < size; a += 1) {
        const za = a === 0 ? 1 : (z[i * p + a - 1] ?? 0);
        grad[a] = (grad[a] ?? 0) + (r * za) / n;
        for (let b = 0; b <= a; b += 1) {
          const zb = b === 0 ? 1 : (z[i * p + b - 1] ?? 0);
          hess[a * size + b] = (hess[a * size + b] ?? 0) + (w * za * zb) / n;
        }
      }
    }
    for (let a = 0; a < size; a += 1) for (let b = 0; b < a; b += 1) hess[b * size + a] = hess[a * size + b] ?? 0;
    const direction = solveSpd(hess, grad, size);
    let stepSize = 1;
    let next = coef;
    let nextValue = current;
    for (let halvings = 0; halvings < 50; halvings += 1) {
      next = coef.map((c, j) => c - stepSize * (direction[j] ?? 0));
      nextValue = value(next);
      if (nextValue <= current + 1e-15 * Math.max(1, current)) break;
      stepSize *= 0.5;
    }
    let change = 0;
    for (let j = 0; j < size; j += 1) change = Math.max(change, Math.abs((next[j] ?? 0) - (coef[j] ?? 0)));
    coef = next;
    current = nextValue;
    let gradNorm = 0;
    for (const g of grad) gradNorm = Math.max(gradNorm, Math.abs(g));
    if (change <= tol || gradNorm <= tol * 1e-3) return { coef, value: current, iterations: iter, converged: true };
  }
  return { coef, value: current, iterations: maxIter, converged: false };
}

/**
 * The "separate fits" baseline of Faletto & Bien (2023; their `logit` method): K − 1 independent unpenalised
 * logistic regressions, boundary k fitted to the indicator 1[y ≤ k] so that `σ(α_k + xᵀβ_k) = P(y ≤ k)` (the
 * regression of 1[y ≥ k + 1] gives −α_k, −β_k). Newton's method in float64 on the (standardised, by default)
 * covariates; `tolerance` bounds the last Newton step (default 1e-7 here too), `maxIterations` caps Newton steps per
 * boundary (default 100 for this fit). Perfectly separated boundaries do not converge (`converged: false`).
 *
 * Not PRESTO at λ = 0: the sum of binary likelihoods differs from the ordinal likelihood except for saturated
 * designs, so the two agree only approximately (exactly, e.g., with one binary covariate).
 *
 * @returns a {@link PrestoModel} with `method: 'separateLogistic'`, `lambda: 0`; `objective` is the sum of the
 *   K − 1 mean binary NLLs, `nll` the ordinal NLL of the combined model, `iterations` the most Newton steps used.
 */
export function fitSeparateLogistic(x: CovariateRows, y: ArrayLike<number>, options: CumulativeFitOptions = {}): PrestoModel {
  const fn = 'fitSeparateLogistic';
  const prepared = prepare(x, y, options, fn);
  const tol = solverSettings(options, fn).tol;
  const maxIter = checkPositiveInt(options.maxIterations ?? 100, 'options.maxIterations', fn, 1);
  const { problem } = prepared;
  const { n, p, m, z, y: labels } = problem;
  const theta = new Float64Array(m + m * p);
  const start = nullTheta(problem);
  let objective = 0;
  let iterations = 0;
  let converged = true;
  let previous = new Float64Array(p);
  for (let k = 0; k < m; k += 1) {
    const target = labels.map((v) => (v <= k ? 1 : 0));
    const fit = newtonLogistic(z, n, p, Uint8Array.from(target), start[k] ?? 0, tol, maxIter);
    theta[k] = fit.coef[0] ?? 0;
    const beta = fit.coef.subarray(1);
    for (let c = 0; c < p; c += 1) theta[m + k * p + c] = (beta[c] ?? 0) - (previous[c] ?? 0);
    previous = Float64Array.from(beta);
    objective += fit.value;
    iterations = Math.max(iterations, fit.iterations);
    converged &&= fit.converged;
  }
  return packageModel(prepared, theta, {
    method: 'separateLogistic',
    lambda: 0,
    penalizeFirst: false,
    objective,
    objectiveHistory: Float64Array.of(objective),
    iterations,
    converged,
  });
}
