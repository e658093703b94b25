import type { Matrix } from './matrix.js';
import { pick, ridgeLearner, type RegressionLearner } from './nuisance-models.js';
import { treatmentGroups } from './treatment-data.js';

/** Options of {@link fitTLearner}. Default learner: quadratic ridge (λ by leave-one-out). */
export interface TLearnerOptions {
  readonly learner?: RegressionLearner;
}

/**
 * The T-learner (Künzel, Sekhon, Bickel & Yu 2019): separate regressions μ̂₁ on the treated rows and μ̂₀ on the control
 * rows, τ̂(x) = μ̂₁(x) − μ̂₀(x). No cross-fitting is needed (no pseudo-outcome). `x` `[n × d]`, `treatment`,
 * `outcome` `[n]`; returns τ̂ for rows `[rows × d]`.
 * @throws ReweightingError for an empty group, NaN cells or mismatched lengths.
 */
export function fitTLearner(
  x: Matrix,
  treatment: ArrayLike<number>,
  outcome: ArrayLike<number>,
  options: TLearnerOptions = {},
): (x: Matrix) => Float64Array {
  const { treated, control } = treatmentGroups('fitTLearner', x, treatment, outcome);
  const learner = options.learner ?? ridgeLearner();
  const mu1 = learner(pick(x, treated), Array.from(treated, (i) => outcome[i]!));
  const mu0 = learner(pick(x, control), Array.from(control, (i) => outcome[i]!));
  return (z) => {
    const a = mu1(z);
    const b = mu0(z);
    return a.map((v, i) => v - b[i]!);
  };
}
