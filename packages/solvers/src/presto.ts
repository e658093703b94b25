import { CUMULATIVE_LOGIT_PROBABILITY_FLOOR } from './cumulative-logit.js';
import { LossArgumentError } from './errors.js';

/** Covariates: N rows of p numbers each (plain arrays, typed arrays or a mix). No intercept column. */
export type CovariateRows = ReadonlyArray<ArrayLike<number>>;

/** One set of cumulative-logit parameters for K classes and p covariates. */
export interface PrestoParameters {
  /** α `[K − 1]`: the intercept of boundary k (column k − 1), `P(y ≤ k) = σ(α_k + xᵀβ_k)`. */
  readonly intercepts: Float64Array;
  /** β `[K − 1][p]`: the coefficient vector of each boundary. */
  readonly coefficients: readonly Float64Array[];
  /** ψ `[K − 1][p]`: ψ_1 = β_1 and ψ_k = β_k − β_{k−1} (the penalised quantities). */
  readonly differences: readonly Float64Array[];
}

/** Which estimator produced a {@link PrestoModel}. */
export type PrestoMethod = 'presto' | 'proportionalOdds' | 'separateLogistic';

/** A fitted cumulative-logit model with one coefficient vector per boundary (see {@link fitPresto}). */
export interface PrestoModel extends PrestoParameters {
  readonly method: PrestoMethod;
  readonly numClasses: number;
  readonly numFeatures: number;
  /** λ of the fit (0 for the unpenalised {@link fitProportionalOdds} and {@link fitSeparateLogistic}). */
  readonly lambda: number;
  /** Whether ψ_1 = β_1 carried the L1 penalty. */
  readonly penalizeFirst: boolean;
  /** Column centres and scales (population SD) used for fitting, or null when `standardize: false`. */
  readonly standardization: { readonly center: Float64Array; readonly scale: Float64Array } | null;
  /**
   * The parameters on the standardised scale, where the penalty acts (equal to the top-level ones when
   * `standardization` is null). The top-level `intercepts`, `coefficients`, `differences` are on the original scale.
   */
  readonly standardized: PrestoParameters;
  /** Mean negative log-likelihood (1/N)·Σ −log P(y_i | x_i) on the training data (middle classes floored). */
  readonly nll: number;
  /** The minimised objective: `nll + λ·Σ_k w_k‖ψ_k‖₁` (standardised ψ); for separate fits, the sum of the K − 1 mean binary NLLs. */
  readonly objective: number;
  /** Objective after every accepted iteration (proximal-gradient fits); the final objective only for separate fits. */
  readonly objectiveHistory: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
}

/** Options shared by every fit. */
export interface CumulativeFitOptions {
  /** K. Default: max(y) + 1. Every class in [0, K) must occur in `y`. */
  readonly numClasses?: number;
  /**
   * Centre each covariate and divide it by its (population) standard deviation before fitting, as ordinalNet's
   * `standardize = TRUE` (the PRESTO code's setting). Default true. The penalty then acts on standardised
   * coefficients; results are reported on both scales. Constant columns are only centred.
   */
  readonly standardize?: boolean;
  /** Stop when the proximal-gradient mapping's largest entry is at most this. Default 1e-7. */
  readonly tolerance?: number;
  /** Iteration cap of the solver. Default 20 000. */
  readonly maxIterations?: number;
  /** Floor of middle-class probabilities in the likelihood, as {@link cumulativeLogitLoss}. Default 1e-8. */
  readonly probabilityFloor?: number;
}

/** Options of {@link fitPresto}. */
export interface PrestoOptions extends CumulativeFitOptions {
  /** λ ≥ 0, the weight of the L1 penalty on the differences. Required. */
  readonly lambda: number;
  /**
   * Penalise ψ_1 = β_1 as well as the differences ψ_k, k ≥ 2. Default true, as the current PRESTO code (the
   * modified ordinalNet penalises every ψ; a comment there records that an earlier version left β_1 free). With
   * `false` (the paper's wording), λ → ∞ gives the proportional-odds fit instead of the intercept-only model.
   */
  readonly penalizeFirst?: boolean;
}

const FIT = 'fitPresto';

interface Problem {
  readonly n: number;
  readonly p: number;
  /** K − 1 boundaries. */
  readonly m: number;
  /** Standardised covariates, row-major `[n·p]`. */
  readonly z: Float64Array;
  readonly y: Int32Array;
  /** −log(probabilityFloor): the cap of a middle-class loss. */
  readonly cap: number;
}

interface Prepared {
  readonly problem: Problem;
  readonly center: Float64Array;
  readonly scale: Float64Array;
  readonly standardize: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// float64 scalar helpers

function softplus64(v: number): number {
  return v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
}

function sigmoid64(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** −log(1 − e^{−d}) for d > 0. */
function negLogOneMinusExpNeg64(d: number): number {
  return d <= Math.LN2 ? -Math.log(-Math.expm1(-d)) : -Math.log1p(-Math.exp(-d));
}

// ---------------------------------------------------------------------------------------------------------------
// validation and standardisation

function checkPositiveInt(value: number, name: string, fn: string, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new LossArgumentError(fn, name, `must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

function prepare(x: CovariateRows, y: ArrayLike<number>, options: CumulativeFitOptions, fn: string): Prepared {
  if (!Array.isArray(x) && !(typeof x === 'object' && x !== null && 'length' in x)) {
    throw new LossArgumentError(fn, 'x', 'must be an array of covariate rows');
  }
  const n = x.length;
  if (n < 1) throw new LossArgumentError(fn, 'x', 'must hold at least one row');
  if (y.length !== n) throw new LossArgumentError(fn, 'y', `must hold ${n} class ids (one per row of 'x'), got ${y.length}`);
  const p = x[0]?.length ?? 0;
  const z = new Float64Array(n * p);
  for (let i = 0; i < n; i += 1) {
    const row = x[i];
    if (row === undefined || row.length !== p) {
      throw new LossArgumentError(fn, 'x', `row ${i} has ${row?.length ?? 0} covariates, row 0 has ${p}`);
    }
    for (let c = 0; c < p; c += 1) {
      const v = row[c] ?? Number.NaN;
      if (!Number.isFinite(v)) throw new LossArgumentError(fn, 'x', `must be finite, got ${v} at row ${i}, column ${c}`);
      z[i * p + c] = v;
    }
  }
  let maxLabel = -1;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i += 1) {
    const v = y[i] ?? Number.NaN;
    if (!Number.isInteger(v) || v < 0) {
      throw new LossArgumentError(fn, 'y', `must hold integer class ids ≥ 0, got ${v} at index ${i}`);
    }
    labels[i] = v;
    maxLabel = Math.max(maxLabel, v);
  }
  const numClasses = options.numClasses === undefined ? maxLabel + 1 : checkPositiveInt(options.numClasses, 'options.numClasses', fn, 2);
  if (numClasses < 2) throw new LossArgumentError(fn, 'y', 'must contain at least two classes');
  if (maxLabel >= numClasses) {
    throw new LossArgumentError(fn, 'y', `holds class id ${maxLabel}, outside [0, ${numClasses - 1}] for ${numClasses} classes`);
  }
  const counts = new Array<number>(numClasses).fill(0);
  for (const v of labels) counts[v] = (counts[v] ?? 0) + 1;
  const missing = counts.findIndex((c) => c === 0);
  if (missing >= 0) {
    throw new LossArgumentError(fn, 'y', `has no example of class ${missing}: every class in [0, ${numClasses}) must occur`);
  }
  const floor = options.probabilityFloor ?? CUMULATIVE_LOGIT_PROBABILITY_FLOOR;
  if (!(floor >= 1e-30 && floor < 1)) {
    throw new LossArgumentError(fn, 'options.probabilityFloor', `must be in [1e-30, 1), got ${String(floor)}`);
  }
  const standardize = options.standardize ?? true;
  const center = new Float64Array(p);
  const scale = new Float64Array(p).fill(1);
  if (standardize) {
    for (let c = 0; c < p; c += 1) {
      let mean = 0;
      for (let i = 0; i < n; i += 1) mean += z[i * p + c] ?? 0;
      mean /= n;
      let variance = 0;
      for (let i = 0; i < n; i += 1) variance += ((z[i * p + c] ?? 0) - mean) ** 2;
      const sd = Math.sqrt(variance / n);
      center[c] = mean;
      scale[c] = sd > 0 ? sd : 1;
      const s = scale[c] ?? 1;
      for (let i = 0; i < n; i += 1) z[i * p + c] = ((z[i * p + c] ?? 0) - mean) / s;
    }
  }
  return { problem: { n, p, m: numClasses - 1, z, y: labels, cap: -Math.log(floor) }, center, scale, standardize };
}

function solverSettings(options: CumulativeFitOptions, fn: string): { tol: number; maxIter: number } {
  const tol = options.tolerance ?? 1e-7;
  if (!(tol > 0)) throw new LossArgumentError(fn, 'options.tolerance', `must be a positive number, got ${String(tol)}`);
  const maxIter = checkPositiveInt(options.maxIterations ?? 20_000, 'options.maxIterations', fn, 1);
  return { tol, maxIter };
}

// ---------------------------------------------------------------------------------------------------------------
// the smooth part: mean NLL and its gradient in θ = [α (m), ψ_1 (p), …, ψ_m (p)]

function betaFromTheta(problem: Problem, theta: Float64Array, beta: Float64Array): void {
  const { p, m } = problem;
  for (let k = 0; k < m; k += 1) {
    for (let c = 0; c < p; c += 1) {
      beta[k * p + c] = (k > 0 ? (beta[(k - 1) * p + c] ?? 0) : 0) + (theta[m + k * p + c] ?? 0);
    }
  }
}

/** Mean NLL at θ; when `grad` is given, fills it with the gradient w.r.t. θ. */
function smoothLoss(problem: Problem, theta: Float64Array, beta: Float64Array, grad: Float64Array | null): number {
  const { n, p, m, z, y, cap } = problem;
  betaFromTheta(problem, theta, beta);
  if (grad !== null) grad.fill(0);
  let total = 0;
  for (let i = 0; i < n; i += 1) {
    const label = y[i] ?? 0;
    const offset = i * p;
    let a = 0;
    let b = 0;
    if (label < m) {
      a = theta[label] ?? 0;
      for (let c = 0; c < p; c += 1) a += (z[offset + c] ?? 0) * (beta[label * p + c] ?? 0);
    }
    if (label > 0) {
      b = theta[label - 1] ?? 0;
      for (let c = 0; c < p; c += 1) b += (z[offset + c] ?? 0) * (beta[(label - 1) * p + c] ?? 0);
    }
    let ga = 0;
    let gb = 0;
    if (label === 0) {
      total += softplus64(-a);
      ga = -sigmoid64(-a);
    } else if (label === m) {
      total += softplus64(b);
      gb = sigmoid64(b);
    } else {
      const d = a - b;
      const raw = d > 0 ? softplus64(-a) + softplus64(b) + negLogOneMinusExpNeg64(d) : Number.POSITIVE_INFINITY;
      if (raw >= cap) {
        total += cap;
      } else {
        total += raw;
        const inv = 1 / Math.expm1(d);
        ga = -sigmoid64(-a) - inv;
        gb = sigmoid64(b) + inv;
      }
    }
    if (grad !== null) {
      if (ga !== 0) {
        grad[label] = (grad[label] ?? 0) + ga;
        const base = m + label * p;
        for (let c = 0; c < p; c += 1) grad[base + c] = (grad[base + c] ?? 0) + ga * (z[offset + c] ?? 0);
      }
      if (gb !== 0) {
        grad[label - 1] = (grad[label - 1] ?? 0) + gb;
        const base = m + (label - 1) * p;
        for (let c = 0; c < p; c += 1) grad[base + c] = (grad[base + c] ?? 0) + gb * (z[offset + c] ?? 0);
      }
    }
  }
  if (grad !== null) {
    for (let j = 0; j < grad.length; j += 1) grad[j] = (grad[j] ?? 0) / n;
    // ∂/∂ψ_j = Σ_{k ≥ j} ∂/∂β_k: suffix sums over the boundary blocks.
    for (let k = m - 2; k >= 0; k -= 1) {
      for (let c = 0; c < p; c += 1) grad[m + k * p + c] = (grad[m + k * p + c] ?? 0) + (grad[m + (k + 1) * p + c] ?? 0);
    }
  }
  return total / n;
}

/** θ at the intercept-only MLE: σ(α_k) = empirical P(y ≤ k), every ψ = 0 (exact with centred covariates). */
function nullTheta(problem: Problem): Float64Array {
  const { n, p, m, y } = problem;
  const theta = new Float64Array(m + m * p);
  const counts = new Float64Array(m + 1);
  for (const v of y) counts[v] = (counts[v] ?? 0) + 1;
  let cumulative = 0;
  for (let k = 0; k < m; k += 1) {
    cumulative += counts[k] ?? 0;
    theta[k] = Math.log(cumulative / (n - cumulative));
  }
  return theta;
}

/** Penalty factor per coordinate of θ: 0 for intercepts, w_1 for ψ_1 (1 or 0), 1 for ψ_k, k ≥ 2. */
function penaltyFactors(problem: Problem, penalizeFirst: boolean): Float64Array {
  const { p, m } = problem;
  const w = new Float64Array(m + m * p);
  for (let j = m; j < w.length; j += 1) w[j] = j < m + p && !penalizeFirst ? 0 : 1;
  return w;
}

interface SolveResult {
  readonly theta: Float64Array;
  readonly smooth: number;
  readonly objective: number;
  readonly history: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * FISTA (Beck & Teboulle 2009) with backtracking and objective-based adaptive restart (O'Donoghue & Candès 2015)
 * on `smoothLoss + λ·Σ w_j|θ_j|`; coordinates in `frozen` stay at 0. Deterministic.
 */
function solve(
  problem: Problem,
  theta0: Float64Array,
  lambda: number,
  weights: Float64Array,
  frozen: Uint8Array | null,
  tol: number,
  maxIter: number,
): SolveResult {
  const size = theta0.length;
  const beta = new Float64Array(problem.m * problem.p);
  const threshold = (j: number): number => lambda * (weights[j] ?? 0);
  const penalty = (t: Float64Array): number => {
    let s = 0;
    for (let j = 0; j < size; j += 1) s += threshold(j) * Math.abs(t[j] ?? 0);
    return s;
  };
  let x = Float64Array.from(theta0);
  if (frozen !== null) for (let j = 0; j < size; j += 1) if (frozen[j] === 1) x[j] = 0;
  let fx = smoothLoss(problem, x, beta, null);
  let objective = fx + penalty(x);
  let v = Float64Array.from(x);
  let momentum = 1;
  let step = 1;
  const grad = new Float64Array(size);
  const candidate = new Float64Array(size);
  const history: number[] = [];
  let converged = false;
  let iterations = 0;
  for (; iterations < maxIter && !converged; iterations += 1) {
    const fv = smoothLoss(problem, v, beta, grad);
    let fc = Number.POSITIVE_INFINITY;
    let gapNorm = 0;
    for (;;) {
      let linear = 0;
      let quadratic = 0;
      gapNorm = 0;
      for (let j = 0; j < size; j += 1) {
        const u = (v[j] ?? 0) - step * (grad[j] ?? 0);
        const t = step * threshold(j);
        const value = frozen !== null && frozen[j] === 1 ? 0 : Math.sign(u) * Math.max(Math.abs(u) - t, 0);
        candidate[j] = value;
        const diff = value - (v[j] ?? 0);
        linear += (grad[j] ?? 0) * diff;
        quadratic += diff * diff;
        gapNorm = Math.max(gapNorm, Math.abs(diff));
      }
      fc = smoothLoss(problem, candidate, beta, null);
      if (fc <= fv + linear + quadratic / (2 * step) + 1e-15 * Math.max(1, Math.abs(fv))) break;
      step *= 0.5;
      if (step < 1e-14) break;
    }
    const candidateObjective = fc + penalty(candidate);
    if (candidateObjective > objective && momentum > 1) {
      // Momentum overshot: restart from the last accepted point without momentum.
      v = Float64Array.from(x);
      momentum = 1;
      continue;
    }
    const nextMomentum = (1 + Math.sqrt(1 + 4 * momentum * momentum)) / 2;
    const ratio = (momentum - 1) / nextMomentum;
    const next = Float64Array.from(candidate);
    for (let j = 0; j < size; j += 1) v[j] = (next[j] ?? 0) + ratio * ((next[j] ?? 0) - (x[j] ?? 0));
    x = next;
    fx = fc;
    objective = candidateObjective;
    momentum = nextMomentum;
    history.push(objective);
    // Gradient mapping ‖(v − prox(v − s·∇f(v)))/s‖∞: zero exactly at a minimiser.
    if (gapNorm / step <= tol || step < 1e-14) converged = gapNorm / step <= tol;
    step *= 1.25;
  }
  return { theta: x, smooth: fx, objective, history: Float64Array.from(history), iterations, converged };
}

// ---------------------------------------------------------------------------------------------------------------
// packaging results

function splitTheta(problem: Problem, theta: Float64Array): PrestoParameters {
  const { p, m } = problem;
  const intercepts = theta.slice(0, m);
  const differences = Array.from({ length: m }, (_, k) => theta.slice(m + k * p, m + (k + 1) * p));
  const coefficients: Float64Array[] = [];
  for (let k = 0; k < m; k += 1) {
    const row = Float64Array.from(differences[k] ?? []);
    const previous = coefficients[k - 1];
    if (previous !== undefined) for (let c = 0; c < p; c += 1) row[c] = (row[c] ?? 0) + (previous[c] ?? 0);
    coefficients.push(row);
  }
  return { intercepts, coefficients, differences };
}

function toOriginalScale(params: PrestoParameters, center: Float64Array, scale: Float64Array): PrestoParameters {
  const unscale = (row: Float64Array): Float64Array => row.map((v, c) => v / (scale[c] ?? 1));
  const coefficients = params.coefficients.map(unscale);
  const intercepts = params.intercepts.map((alpha, k) => {
    let shift = 0;
    const row = coefficients[k] ?? new Float64Array(0);
    for (let c = 0; c < row.length; c += 1) shift += (center[c] ?? 0) * (row[c] ?? 0);
    return alpha - shift;
  });
  return { intercepts, coefficients, differences: params.differences.map(unscale) };
}

function packageModel(
  prepared: Prepared,
  theta: Float64Array,
  fields: Pick<PrestoModel, 'method' | 'lambda' | 'penalizeFirst' | 'objective' | 'objectiveHistory' | 'iterations' | 'converged'>,
): PrestoModel {
  const { problem, center, scale, standardize } = prepared;
  const standardized = splitTheta(problem, theta);
  const original = standardize ? toOriginalScale(standardized, center, scale) : standardized;
  const nll = smoothLoss(problem, theta, new Float64Array(problem.m * problem.p), null);
  return {
    ...original,
    ...fields,
    numClasses: problem.m + 1,
    numFeatures: problem.p,
    standardization: standardize ? { center, scale } : null,
    standardized,
    nll,
  };
}

function checkLambda(lambda: number, fn: string): number {
  if (typeof lambda !== 'number' || !(lambda >= 0) || !Number.isFinite(lambda)) {
    throw new LossArgumentError(fn, 'options.lambda', `must be a finite number ≥ 0, got ${String(lambda)}`);
  }
  return lambda;
}

function fitPrepared(prepared: Prepared, options: PrestoOptions, theta0: Float64Array | null, fn: string): PrestoModel {
  const lambda = checkLambda(options.lambda, fn);
  const { tol, maxIter } = solverSettings(options, fn);
  const penalizeFirst = options.penalizeFirst ?? true;
  const { problem } = prepared;
  const result = solve(problem, theta0 ?? nullTheta(problem), lambda, penaltyFactors(problem, penalizeFirst), null, tol, maxIter);
  return packageModel(prepared, result.theta, {
    method: 'presto',
    lambda,
    penalizeFirst,
    objective: result.objective,
    objectiveHistory: result.history,
    iterations: result.iterations,
    converged: result.converged,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// public fits

/**
 * PRESTO (Faletto & Bien, "Predicting Rare Events by Shrinking Towards Proportional Odds", ICML 2023): a
 * cumulative-logit model with its own coefficient vector per class boundary, shrunk towards proportional odds by
 * an L1 penalty on the differences between adjacent boundaries' coefficients.
 *
 *     P(y ≤ k | x) = σ(α_k + xᵀβ_k),  k = 1..K−1                       (0-based classes y ∈ [0, K))
 *     ψ_1 = β_1,  ψ_k = β_k − β_{k−1}  (k ≥ 2)
 *     minimise  (1/N)·Σ_i −log P(y_i | x_i)  +  λ·Σ_k w_k‖ψ_k‖₁,    w_1 = penalizeFirst ? 1 : 0,  w_k = 1 (k ≥ 2)
 *
 * Intercepts are not penalised. The 1/N scaling is ordinalNet's (Wurm, Rathouz & Hanlon, JSS 2021), the solver
 * of the reference code, so λ values are comparable with it. Default `penalizeFirst: true` matches that code
 * (it also penalises β_1); the paper text describes the difference penalty, available with `penalizeFirst: false`.
 * Limits: λ ≥ {@link prestoLambdaMax} zeroes every penalised ψ exactly — with `penalizeFirst: false` this is the
 * proportional-odds MLE ({@link fitProportionalOdds}), with `true` the intercept-only model. λ = 0 is the
 * unpenalised non-parallel cumulative-logit MLE, which is close to but in general NOT identical with separate
 * logistic regressions per boundary ({@link fitSeparateLogistic}): the two likelihoods differ unless the model
 * is saturated.
 *
 * Solver: FISTA with backtracking line search and adaptive restart, in float64 on the (by default standardised)
 * covariates, started from the intercept-only MLE; stops when the proximal-gradient mapping is below
 * `tolerance` (default 1e-7) or after `maxIterations` (default 20 000). Deterministic. The likelihood floors
 * middle-class probabilities at `probabilityFloor` exactly as {@link cumulativeLogitLoss} does, so `model.nll`
 * equals that loss (reduction `mean`) on {@link prestoCumulativeLogits}.
 *
 * @param x covariates `[N][p]`, no intercept column.
 * @param y class ids `[N]` in [0, K), ordered, the rare class usually K − 1. Every class must occur.
 * @returns the fit; `coefficients[K − 2]` is the rare class's boundary (P(y = K−1 | x) = 1 − σ(α_{K−1} + xᵀβ_{K−1})).
 * @throws LossArgumentError naming the argument for ragged or non-finite `x`, bad class ids, a missing class or
 *   bad options.
 */
export function fitPresto(x: CovariateRows, y: ArrayLike<number>, options: PrestoOptions): PrestoModel {
  return fitPrepared(prepare(x, y, options, FIT), options, null, FIT);
}

/**
 * The proportional-odds model `P(y ≤ k | x) = σ(α_k + xᵀβ)` (one β shared by all boundaries; McCullagh 1980), by
 * unpenalised maximum likelihood with the same solver as {@link fitPresto} (ψ_k, k ≥ 2, held at 0). It is PRESTO's
 * λ → ∞ limit with `penalizeFirst: false`. Sign convention: `MASS::polr` reports `logit P(y ≤ k) = ζ_k − xᵀβ`,
 * i.e. its β is −β here.
 *
 * @returns a {@link PrestoModel} with `method: 'proportionalOdds'`, `lambda: 0`, all boundaries' coefficients equal.
 */
export function fitProportionalOdds(x: CovariateRows, y: ArrayLike<number>, options: CumulativeFitOptions = {}): PrestoModel {
  const fn = 'fitProportionalOdds';
  const prepared = prepare(x, y, options, fn);
  const { tol, maxIter } = solverSettings(options, fn);
  const { problem } = prepared;
  const frozen = new Uint8Array(problem.m + problem.m * problem.p);
  frozen.fill(1, problem.m + problem.p);
  const result = solve(problem, nullTheta(problem), 0, penaltyFactors(problem, false), frozen, tol, maxIter);
  return packageModel(prepared, result.theta, {
    method: 'proportionalOdds',
    lambda: 0,
    penalizeFirst: false,
    objective: result.objective,
    objectiveHistory: result.history,
    iterations: result.iterations,
    converged: result.converged,
  });
}

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

/** Options of {@link prestoLambdaMax}. */
export type PrestoLambdaMaxOptions = Omit<PrestoOptions, 'lambda'>;

function lambdaMaxPrepared(prepared: Prepared, options: PrestoLambdaMaxOptions, fn: string): number {
  const { problem } = prepared;
  const penalizeFirst = options.penalizeFirst ?? true;
  let theta = nullTheta(problem);
  if (!penalizeFirst) {
    const { tol, maxIter } = solverSettings(options, fn);
    const frozen = new Uint8Array(theta.length);
    frozen.fill(1, problem.m + problem.p);
    theta = solve(problem, theta, 0, penaltyFactors(problem, false), frozen, Math.min(tol, 1e-9), maxIter).theta;
  }
  const grad = new Float64Array(theta.length);
  smoothLoss(problem, theta, new Float64Array(problem.m * problem.p), grad);
  const weights = penaltyFactors(problem, penalizeFirst);
  let max = 0;
  for (let j = 0; j < grad.length; j += 1) if ((weights[j] ?? 0) > 0) max = Math.max(max, Math.abs(grad[j] ?? 0));
  return max;
}

/**
 * λ_max: the smallest λ at which {@link fitPresto} sets every penalised ψ to exactly zero — the largest absolute
 * gradient of the mean NLL over the penalised coordinates at the fit with those coordinates at zero (the
 * intercept-only MLE with `penalizeFirst: true`, the proportional-odds MLE with `false`). Same options (and
 * standardisation) as {@link fitPresto}; the start of ordinalNet's λ sequence.
 */
export function prestoLambdaMax(x: CovariateRows, y: ArrayLike<number>, options: PrestoLambdaMaxOptions = {}): number {
  const fn = 'prestoLambdaMax';
  return lambdaMaxPrepared(prepare(x, y, options, fn), options, fn);
}

/** Options of {@link prestoLambdaPath} and {@link cvPresto}. */
export interface PrestoPathOptions extends PrestoLambdaMaxOptions {
  /** Number of λ values. Default 20 (the PRESTO code's). */
  readonly numLambdas?: number;
  /** Smallest λ as a fraction of λ_max. Default 0.01 (the PRESTO code's `lambdaMinRatio`). */
  readonly lambdaMinRatio?: number;
  /** Explicit λ values (any order; sorted decreasing). Overrides `numLambdas`/`lambdaMinRatio`. */
  readonly lambdas?: readonly number[];
}

function lambdaGrid(prepared: Prepared, options: PrestoPathOptions, fn: string): number[] {
  if (options.lambdas !== undefined) {
    if (options.lambdas.length === 0) throw new LossArgumentError(fn, 'options.lambdas', 'must not be empty');
    return [...options.lambdas].map((l) => checkLambda(l, fn)).sort((a, b) => b - a);
  }
  const count = checkPositiveInt(options.numLambdas ?? 20, 'options.numLambdas', fn, 1);
  const ratio = options.lambdaMinRatio ?? 0.01;
  if (!(ratio > 0 && ratio < 1)) throw new LossArgumentError(fn, 'options.lambdaMinRatio', `must be in (0, 1), got ${String(ratio)}`);
  const max = lambdaMaxPrepared(prepared, options, fn);
  return Array.from({ length: count }, (_, i) => (count === 1 ? max : max * ratio ** (i / (count - 1))));
}

function pathPrepared(prepared: Prepared, lambdas: readonly number[], options: PrestoLambdaMaxOptions, fn: string): PrestoModel[] {
  const models: PrestoModel[] = [];
  let theta: Float64Array | null = null;
  for (const lambda of lambdas) {
    const model = fitPrepared(prepared, { ...options, lambda }, theta, fn);
    models.push(model);
    theta = thetaOf(model);
  }
  return models;
}

function thetaOf(model: PrestoModel): Float64Array {
  const { intercepts, differences } = model.standardized;
  const m = intercepts.length;
  const p = model.numFeatures;
  const theta = new Float64Array(m + m * p);
  theta.set(intercepts, 0);
  differences.forEach((row, k) => theta.set(row, m + k * p));
  return theta;
}

/**
 * Fits {@link fitPresto} along a decreasing λ sequence with warm starts: by default 20 values spaced
 * geometrically from {@link prestoLambdaMax} down to 0.01·λ_max (ordinalNet's sequence, as used by the PRESTO code).
 * @returns the λ values (decreasing) and one model per λ.
 */
export function prestoLambdaPath(
  x: CovariateRows,
  y: ArrayLike<number>,
  options: PrestoPathOptions = {},
): { readonly lambdas: readonly number[]; readonly models: readonly PrestoModel[] } {
  const fn = 'prestoLambdaPath';
  const prepared = prepare(x, y, options, fn);
  const lambdas = lambdaGrid(prepared, options, fn);
  return { lambdas, models: pathPrepared(prepared, lambdas, options, fn) };
}

/** Options of {@link cvPresto}. */
export interface CvPrestoOptions extends PrestoPathOptions {
  /** Number of folds. Default 5. Ignored when `foldIds` is given. */
  readonly numFolds?: number;
  /**
   * Fold of each example `[N]`, ids in [0, numFolds). Default: example i goes to fold i mod numFolds — shuffle the
   * data first (or pass your own ids) if its order carries structure.
   */
  readonly foldIds?: ArrayLike<number>;
}

/** Result of {@link cvPresto}. */
export interface CvPrestoResult {
  /** The selected λ: the largest λ with the smallest mean out-of-fold Brier score. */
  readonly lambda: number;
  /** The λ sequence (decreasing). */
  readonly lambdas: readonly number[];
  /** Mean over folds of the out-of-fold Brier score, one per λ. */
  readonly brier: Float64Array;
  /** Out-of-fold Brier score per fold `[numFolds][numLambdas]`. */
  readonly brierByFold: readonly Float64Array[];
  /** {@link fitPresto} on all the data at the selected λ. */
  readonly model: PrestoModel;
}

function subset(x: CovariateRows, y: ArrayLike<number>, rows: readonly number[]): { x: ArrayLike<number>[]; y: number[] } {
  return { x: rows.map((i) => x[i] ?? []), y: rows.map((i) => y[i] ?? Number.NaN) };
}

/**
 * Chooses λ for {@link fitPresto} by K-fold cross-validation on the Brier score, as the PRESTO code does
 * (`getLambdaFusedPolr`: ordinalNet's tuning with 5 folds, 20 λ values, `lambdaMinRatio` 0.01): the λ sequence
 * comes from all the data, each fold fits the path on the other folds (standardising them itself), the score of an
 * example is Σ_k (1[y = k] − p̂_k)² (ordinalNet's Brier score), averaged over the held-out examples of a fold and
 * then over folds; the largest λ among those with the minimal mean wins, and the model is refitted on all data.
 * Every class must occur in every training split.
 */
export function cvPresto(x: CovariateRows, y: ArrayLike<number>, options: CvPrestoOptions = {}): CvPrestoResult {
  const fn = 'cvPresto';
  const prepared = prepare(x, y, options, fn);
  const lambdas = lambdaGrid(prepared, options, fn);
  const n = prepared.problem.n;
  const numFolds =
    options.foldIds === undefined ? checkPositiveInt(options.numFolds ?? 5, 'options.numFolds', fn, 2) : 0;
  if (options.foldIds !== undefined && options.foldIds.length !== n) {
    throw new LossArgumentError(fn, 'options.foldIds', `must hold ${n} fold ids, got ${options.foldIds.length}`);
  }
  const folds = new Int32Array(n);
  for (let i = 0; i < n; i += 1) {
    const id = options.foldIds === undefined ? i % numFolds : (options.foldIds[i] ?? Number.NaN);
    if (!Number.isInteger(id) || id < 0) throw new LossArgumentError(fn, 'options.foldIds', `must hold integer fold ids ≥ 0, got ${id} at index ${i}`);
    folds[i] = id;
  }
  const foldCount = Math.max(...folds) + 1;
  const numClasses = prepared.problem.m + 1;
  const brierByFold: Float64Array[] = [];
  for (let fold = 0; fold < foldCount; fold += 1) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i += 1) (folds[i] === fold ? test : train).push(i);
    if (test.length === 0) continue;
    const trainData = subset(x, y, train);
    const testData = subset(x, y, test);
    const foldPrepared = prepare(trainData.x, trainData.y, { ...options, numClasses }, fn);
    const models = pathPrepared(foldPrepared, lambdas, options, fn);
    brierByFold.push(
      Float64Array.from(models, (model) => {
        const probabilities = predictPrestoProbabilities(model, testData.x);
        let total = 0;
        probabilities.forEach((row, r) => {
          row.forEach((prob, k) => {
            total += ((testData.y[r] === k ? 1 : 0) - prob) ** 2;
          });
        });
        return total / test.length;
      }),
    );
  }
  const brier = Float64Array.from(lambdas, (_, l) => brierByFold.reduce((s, row) => s + (row[l] ?? 0), 0) / brierByFold.length);
  let best = 0;
  for (let l = 1; l < lambdas.length; l += 1) if ((brier[l] ?? Infinity) < (brier[best] ?? Infinity)) best = l;
  const lambda = lambdas[best] ?? 0;
  return { lambda, lambdas, brier, brierByFold, model: fitPrepared(prepared, { ...options, lambda }, null, fn) };
}

// ---------------------------------------------------------------------------------------------------------------
// prediction

function checkRows(model: PrestoModel, x: CovariateRows, fn: string): void {
  x.forEach((row, i) => {
    if (row.length !== model.numFeatures) {
      throw new LossArgumentError(fn, 'x', `row ${i} has ${row.length} covariates, the model has ${model.numFeatures}`);
    }
  });
}

/**
 * The cumulative logits η `[N][K − 1]`, `η_ik = α_k + x_iᵀβ_k` (original scale), of a fitted model — the
 * `cumulativeLogits` argument of {@link cumulativeLogitLoss}.
 */
export function prestoCumulativeLogits(model: PrestoModel, x: CovariateRows): Float64Array[] {
  checkRows(model, x, 'prestoCumulativeLogits');
  return x.map((row) =>
    model.intercepts.map((alpha, k) => {
      const beta = model.coefficients[k] ?? new Float64Array(0);
      let eta = alpha;
      for (let c = 0; c < beta.length; c += 1) eta += (beta[c] ?? 0) * (row[c] ?? 0);
      return eta;
    }),
  );
}

/**
 * Class probabilities `[N][K]` of a fitted model (the reference's `predictPrestoProbs`): P(y = 0) = σ(η_1),
 * P(y = k) = σ(η_{k+1}) − σ(η_k) (computed as σ(η_{k+1})·σ(−η_k)·(1 − e^{η_k − η_{k+1}}), without cancellation),
 * P(y = K−1) = σ(−η_{K−1}). Rows sum to 1. Where a point's boundaries cross (possible out of sample with separate
 * β_k), a middle-class probability is negative; it is returned as is, so callers can detect it. The rare-class
 * probability (last column) depends only on the last boundary and is always in (0, 1).
 */
export function predictPrestoProbabilities(model: PrestoModel, x: CovariateRows): Float64Array[] {
  checkRows(model, x, 'predictPrestoProbabilities');
  return prestoCumulativeLogits(model, x).map((eta) => {
    const m = eta.length;
    const out = new Float64Array(m + 1);
    out[0] = sigmoid64(eta[0] ?? 0);
    for (let k = 1; k < m; k += 1) {
      const a = eta[k] ?? 0;
      const b = eta[k - 1] ?? 0;
      out[k] = sigmoid64(a) * sigmoid64(-b) * -Math.expm1(b - a);
    }
    out[m] = sigmoid64(-(eta[m - 1] ?? 0));
    return out;
  });
}
