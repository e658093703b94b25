import type { Matrix } from './matrix.js';
import { crossFitNuisances, ridgeLearner, type CrossFitNuisances, type CrossFitOptions, type RegressionLearner } from './nuisance-models.js';
import { ReweightingError } from './reweighting-error.js';
import { treatmentGroups } from './treatment-data.js';

/** How the R-learner's pseudo-outcomes are weighted in the final regression. */
export type PseudoOutcomeWeighting = 'inverse-variance' | 'unweighted';

/**
 * Options of {@link fitRLearner}. Defaults: inverse-variance weights, cross-fitting of {@link crossFitNuisances}
 * (5 folds, seed 0, π̂ clipped to [0.01, 0.99]), final stage quadratic ridge (λ by weighted leave-one-out).
 */
export interface RLearnerOptions extends CrossFitOptions {
  readonly weighting?: PseudoOutcomeWeighting;
  readonly finalLearner?: RegressionLearner;
  /** Precomputed out-of-fold nuisances (e.g. shared with other learners); fitted here when absent. */
  readonly nuisances?: CrossFitNuisances;
}

/** A fitted CATE model from a weighted pseudo-outcome regression. */
export interface CateModel {
  /** τ̂(x) for rows `[rows × d]`. */
  predict(x: Matrix): Float64Array;
  /** The pseudo-outcome of each training row `[n]`. */
  readonly pseudoOutcome: Float64Array;
  /** The regression weight of each training row `[n]` (all 1 when unweighted). */
  readonly weights: Float64Array;
  readonly nuisances: CrossFitNuisances;
}

/**
 * The R-learner (Nie & Wager 2021) written as a weighted pseudo-outcome regression (Fisher 2024, "The connection
 * between R-learning and inverse-variance weighting", arXiv 2307.09700): the R-loss
 *   Σ_i [(Y_i − m̂(X_i)) − (A_i − π̂(X_i)) τ(X_i)]² = Σ_i (A_i − π̂_i)² [(Y_i − m̂_i)/(A_i − π̂_i) − τ(X_i)]²
 * is a regression of the pseudo-outcome (Y − m̂)/(A − π̂) with weights (A − π̂)², whose conditional mean π(1 − π) is
 * proportional to the inverse of the pseudo-outcome's conditional variance (inverse-variance weighting, IVW).
 * `weighting: 'unweighted'` regresses the same pseudo-outcome with unit weights (the "U-learner"), the comparison
 * Fisher uses to show the weights, not the pseudo-outcome, drive performance. m̂ and π̂ are cross-fitted;
 * |A − π̂| ≥ `propensityClip` through the clipping of π̂. `x` `[n × d]`, `treatment`, `outcome` `[n]`.
 * @throws ReweightingError for an empty group, NaN cells, non-binary treatment or mismatched nuisances.
 */
export function fitRLearner(
  x: Matrix,
  treatment: ArrayLike<number>,
  outcome: ArrayLike<number>,
  options: RLearnerOptions = {},
): CateModel {
  const fn = 'fitRLearner';
  treatmentGroups(fn, x, treatment, outcome);
  const nuisances = options.nuisances ?? crossFitNuisances(x, treatment, outcome, options);
  checkNuisances(fn, nuisances, x.rows);
  const weighting = options.weighting ?? 'inverse-variance';
  if (weighting !== 'inverse-variance' && weighting !== 'unweighted') {
    throw new ReweightingError(fn, 'options.weighting', `must be 'inverse-variance' or 'unweighted', got ${String(weighting)}`);
  }
  const n = x.rows;
  const pseudoOutcome = new Float64Array(n);
  const weights = new Float64Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    const residualA = treatment[i]! - nuisances.propensity[i]!;
    if (residualA === 0) throw new ReweightingError(fn, 'options.nuisances', `row ${i} has A − π̂ = 0 (propensity at 0 or 1)`);
    pseudoOutcome[i] = (outcome[i]! - nuisances.outcomeMean[i]!) / residualA;
    if (weighting === 'inverse-variance') weights[i] = residualA * residualA;
  }
  const predict = (options.finalLearner ?? ridgeLearner())(x, pseudoOutcome, weighting === 'inverse-variance' ? weights : undefined);
  return { predict, pseudoOutcome, weights, nuisances };
}

/** @throws ReweightingError when nuisances do not have one finite value per row, or propensities leave (0, 1). */
export function checkNuisances(estimator: string, nuisances: CrossFitNuisances, n: number): void {
  for (const key of ['outcomeMean', 'propensity', 'controlOutcome', 'treatedOutcome'] as const) {
    const v = nuisances[key];
    if (v.length !== n) throw new ReweightingError(estimator, `options.nuisances.${key}`, `has ${v.length} values, x has ${n} rows`);
    for (let i = 0; i < n; i++) if (!Number.isFinite(v[i])) throw new ReweightingError(estimator, `options.nuisances.${key}`, `row ${i} is ${v[i]}`);
  }
  nuisances.propensity.forEach((p, i) => {
    if (!(p > 0 && p < 1)) throw new ReweightingError(estimator, 'options.nuisances.propensity', `row ${i} is ${p}; propensities must lie in (0, 1) (no overlap)`);
  });
}
