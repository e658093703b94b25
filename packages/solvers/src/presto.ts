import {
  checkLambda,
  nullTheta,
  packageModel,
  penaltyFactors,
  prepare,
  solverSettings,
  type CovariateRows,
  type CumulativeFitOptions,
  type PrestoModel,
  type Prepared,
} from './cumulative-model.js';
import { solve } from './fista.js';

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

/** {@link fitPresto} on a prepared problem, warm-started at `theta0` when given (the λ path). @internal */
export function fitPrepared(prepared: Prepared, options: PrestoOptions, theta0: Float64Array | null, fn: string): PrestoModel {
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
 * middle-class probabilities at `probabilityFloor` exactly as core-losses' `cumulativeLogitLoss` does, so `model.nll`
 * equals that loss (reduction `mean`) on {@link prestoCumulativeLogits}.
 *
 * @param x covariates `[N][p]`, no intercept column.
 * @param y class ids `[N]` in [0, K), ordered, the rare class usually K − 1. Every class must occur.
 * @returns the fit; `coefficients[K − 2]` is the rare class's boundary (P(y = K−1 | x) = 1 − σ(α_{K−1} + xᵀβ_{K−1})).
 * @throws SolverArgumentError naming the argument for ragged or non-finite `x`, bad class ids, a missing class or
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
