import type { Matrix } from './matrix.js';
import { crossFitNuisances, ridgeLearner, type CrossFitOptions, type CrossFitNuisances, type RegressionLearner } from './nuisance-models.js';
import { checkNuisances, type CateModel } from './r-learner.js';
import { treatmentGroups } from './treatment-data.js';

/** Options of {@link fitDrLearner}: those of {@link crossFitNuisances}, a final learner and optional nuisances. */
export interface DrLearnerOptions extends CrossFitOptions {
  readonly finalLearner?: RegressionLearner;
  readonly nuisances?: CrossFitNuisances;
}

/**
 * The DR-learner (Kennedy 2023, "Towards optimal doubly robust estimation of heterogeneous causal effects"): an
 * unweighted regression of the AIPW pseudo-outcome
 *   φ_i = μ̂₁(X_i) − μ̂₀(X_i) + A_i (Y_i − μ̂₁(X_i))/π̂_i − (1 − A_i)(Y_i − μ̂₀(X_i))/(1 − π̂_i)
 * on X, with cross-fitted μ̂₀, μ̂₁, π̂ (π̂ clipped as in {@link crossFitNuisances}). In Fisher's (2024) framing the
 * inverse-propensity factors act as (unstable) weights. `x` `[n × d]`, `treatment`, `outcome` `[n]`.
 * @throws ReweightingError for an empty group, NaN cells or mismatched nuisances.
 */
export function fitDrLearner(
  x: Matrix,
  treatment: ArrayLike<number>,
  outcome: ArrayLike<number>,
  options: DrLearnerOptions = {},
): CateModel {
  const fn = 'fitDrLearner';
  treatmentGroups(fn, x, treatment, outcome);
  const nuisances = options.nuisances ?? crossFitNuisances(x, treatment, outcome, options);
  checkNuisances(fn, nuisances, x.rows);
  const n = x.rows;
  const pseudoOutcome = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const mu0 = nuisances.controlOutcome[i]!;
    const mu1 = nuisances.treatedOutcome[i]!;
    const p = nuisances.propensity[i]!;
    const y = outcome[i]!;
    pseudoOutcome[i] = treatment[i] === 1 ? mu1 - mu0 + (y - mu1) / p : mu1 - mu0 - (y - mu0) / (1 - p);
  }
  const predict = (options.finalLearner ?? ridgeLearner())(x, pseudoOutcome);
  return { predict, pseudoOutcome, weights: new Float64Array(n).fill(1), nuisances };
}
