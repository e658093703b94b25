import { SolverArgumentError } from './errors.js';

// The cumulative-logit model shared by PRESTO and its baselines: its public types, and the float64 pieces every fit
// uses (validation and standardisation, the mean NLL and its gradient, packaging a solution as a model). Everything
// not in index.ts is internal to this package.

/**
 * The floor of a middle-class probability in the likelihood: 1e-8, ordinalNet's `pMin` (Wurm, Rathouz & Hanlon,
 * JSS 2021), the same value as core-losses' `CUMULATIVE_LOGIT_PROBABILITY_FLOOR`, so a fit's `nll` equals
 * `cumulativeLogitLoss` on its cumulative logits.
 */
export const PRESTO_PROBABILITY_FLOOR = 1e-8;

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
  /** Floor of middle-class probabilities in the likelihood, as core-losses' `cumulativeLogitLoss`. Default 1e-8. */
  readonly probabilityFloor?: number;
}


/** A validated fitting problem on standardised covariates. @internal */
export interface Problem {
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

/** A {@link Problem} with the standardisation that produced it. @internal */
export interface Prepared {
  readonly problem: Problem;
  readonly center: Float64Array;
  readonly scale: Float64Array;
  readonly standardize: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// float64 scalar helpers

/** log(1 + e^v) in float64 without overflow. @internal */
export function softplus64(v: number): number {
  return v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
}

/** σ(v) = 1/(1 + e^{−v}) in float64 without overflow. @internal */
export function sigmoid64(v: number): number {
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

/** Returns `value` if it is an integer ≥ `min`, else throws a {@link SolverArgumentError} naming `name`. @internal */
export function checkPositiveInt(value: number, name: string, fn: string, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new SolverArgumentError(fn, name, `must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

/**
 * Validates `x` and `y` (naming the row, column or index of a bad entry) and standardises `x` (population SD) unless
 * `options.standardize` is false. @internal
 */
export function prepare(x: CovariateRows, y: ArrayLike<number>, options: CumulativeFitOptions, fn: string): Prepared {
  if (!Array.isArray(x) && !(typeof x === 'object' && x !== null && 'length' in x)) {
    throw new SolverArgumentError(fn, 'x', 'must be an array of covariate rows');
  }
  const n = x.length;
  if (n < 1) throw new SolverArgumentError(fn, 'x', 'must hold at least one row');
  if (y.length !== n) throw new SolverArgumentError(fn, 'y', `must hold ${n} class ids (one per row of 'x'), got ${y.length}`);
  const p = x[0]?.length ?? 0;
  const z = new Float64Array(n * p);
  for (let i = 0; i < n; i += 1) {
    const row = x[i];
    if (row === undefined || row.length !== p) {
      throw new SolverArgumentError(fn, 'x', `row ${i} has ${row?.length ?? 0} covariates, row 0 has ${p}`);
    }
    for (let c = 0; c < p; c += 1) {
      const v = row[c] ?? Number.NaN;
      if (!Number.isFinite(v)) throw new SolverArgumentError(fn, 'x', `must be finite, got ${v} at row ${i}, column ${c}`);
      z[i * p + c] = v;
    }
  }
  let maxLabel = -1;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i += 1) {
    const v = y[i] ?? Number.NaN;
    if (!Number.isInteger(v) || v < 0) {
      throw new SolverArgumentError(fn, 'y', `must hold integer class ids ≥ 0, got ${v} at index ${i}`);
    }
    labels[i] = v;
    maxLabel = Math.max(maxLabel, v);
  }
  const numClasses = options.numClasses === undefined ? maxLabel + 1 : checkPositiveInt(options.numClasses, 'options.numClasses', fn, 2);
  if (numClasses < 2) throw new SolverArgumentError(fn, 'y', 'must contain at least two classes');
  if (maxLabel >= numClasses) {
    throw new SolverArgumentError(fn, 'y', `holds class id ${maxLabel}, outside [0, ${numClasses - 1}] for ${numClasses} classes`);
  }
  const counts = new Array<number>(numClasses).fill(0);
  for (const v of labels) counts[v] = (counts[v] ?? 0) + 1;
  const missing = counts.findIndex((c) => c === 0);
  if (missing >= 0) {
    throw new SolverArgumentError(fn, 'y', `has no example of class ${missing}: every class in [0, ${numClasses}) must occur`);
  }
  const floor = options.probabilityFloor ?? PRESTO_PROBABILITY_FLOOR;
  if (!(floor >= 1e-30 && floor < 1)) {
    throw new SolverArgumentError(fn, 'options.probabilityFloor', `must be in [1e-30, 1), got ${String(floor)}`);
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

/** The solver tolerance and iteration cap of `options`, checked. @internal */
export function solverSettings(options: CumulativeFitOptions, fn: string): { tol: number; maxIter: number } {
  const tol = options.tolerance ?? 1e-7;
  if (!(tol > 0)) throw new SolverArgumentError(fn, 'options.tolerance', `must be a positive number, got ${String(tol)}`);
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
export function smoothLoss(problem: Problem, theta: Float64Array, beta: Float64Array, grad: Float64Array | null): number {
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
export function nullTheta(problem: Problem): Float64Array {
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
export function penaltyFactors(problem: Problem, penalizeFirst: boolean): Float64Array {
  const { p, m } = problem;
  const w = new Float64Array(m + m * p);
  for (let j = m; j < w.length; j += 1) w[j] = j < m + p && !penalizeFirst ? 0 : 1;
  return w;
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

/** A {@link PrestoModel} from a solution θ = [α, ψ_1, …, ψ_{K−1}] on the standardised scale. @internal */
export function packageModel(
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

/** Returns λ if it is a finite number ≥ 0, else throws naming `options.lambda`. @internal */
export function checkLambda(lambda: number, fn: string): number {
  if (typeof lambda !== 'number' || !(lambda >= 0) || !Number.isFinite(lambda)) {
    throw new SolverArgumentError(fn, 'options.lambda', `must be a finite number ≥ 0, got ${String(lambda)}`);
  }
  return lambda;
}

