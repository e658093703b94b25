import { ReweightingError } from './reweighting-error.js';

/** A weighted difference of group means and its parts. */
export interface WeightedMeanDifference {
  /** Σ_{A=1} w y / Σ_{A=1} w − Σ_{A=0} w y / Σ_{A=0} w. */
  readonly effect: number;
  readonly treatedMean: number;
  readonly controlMean: number;
  /** Kish effective sample sizes (Σw)²/Σw² of each group. */
  readonly effectiveSize: { readonly treated: number; readonly control: number };
}

/**
 * The weighted mean-difference (Hájek) estimator of a treatment effect:
 *   τ̂ = Σ_{i:A_i=1} w_i Y_i / Σ_{i:A_i=1} w_i − Σ_{i:A_i=0} w_i Y_i / Σ_{i:A_i=0} w_i,
 * with weights normalised within each group. With IPM balancing weights for the ATE (or ATT) this is the estimator of
 * Kong et al. (2023); with inverse-propensity weights it is the normalised IPW estimator; with `weights` omitted it is
 * the unweighted difference of means. Shapes: all `[n]`.
 * @throws ReweightingError for mismatched lengths, non-finite or negative weights, a non-binary treatment, or a group
 *   that is empty or has zero total weight.
 */
export function weightedMeanDifference(
  outcome: ArrayLike<number>,
  treatment: ArrayLike<number>,
  weights?: ArrayLike<number>,
): WeightedMeanDifference {
  const fn = 'weightedMeanDifference';
  const n = outcome.length;
  if (treatment.length !== n) throw new ReweightingError(fn, 'treatment', `has ${treatment.length} values, outcome has ${n}`);
  if (weights && weights.length !== n) throw new ReweightingError(fn, 'weights', `has ${weights.length} values, outcome has ${n}`);
  const sum = new Float64Array(2);
  const sumSq = new Float64Array(2);
  const sumY = new Float64Array(2);
  for (let i = 0; i < n; i++) {
    const a = treatment[i];
    if (a !== 0 && a !== 1) throw new ReweightingError(fn, 'treatment', `row ${i} is ${a}; treatment must be 0 or 1`);
    const w = weights ? weights[i]! : 1;
    if (!(w >= 0) || !Number.isFinite(w)) throw new ReweightingError(fn, 'weights', `row ${i} is ${w}; weights must be finite and ≥ 0`);
    const y = outcome[i]!;
    if (!Number.isFinite(y)) throw new ReweightingError(fn, 'outcome', `row ${i} is ${y}`);
    sum[a] = sum[a]! + w;
    sumSq[a] = sumSq[a]! + w * w;
    sumY[a] = sumY[a]! + w * y;
  }
  for (const [a, name] of [
    [1, 'treated'],
    [0, 'control'],
  ] as const) {
    if (!(sum[a]! > 0)) throw new ReweightingError(fn, 'treatment', `the ${name} group is empty or has zero total weight (one group empty)`);
  }
  const treatedMean = sumY[1]! / sum[1]!;
  const controlMean = sumY[0]! / sum[0]!;
  return {
    effect: treatedMean - controlMean,
    treatedMean,
    controlMean,
    effectiveSize: { treated: sum[1]! ** 2 / sumSq[1]!, control: sum[0]! ** 2 / sumSq[0]! },
  };
}

/**
 * Inverse-propensity weights from propensities π_i = P(A = 1 | X = x_i) (Rosenbaum & Rubin 1983; Horvitz–Thompson):
 * ATE — 1/π_i for treated rows, 1/(1 − π_i) for controls; ATT — 1 for treated rows, π_i/(1 − π_i) for controls.
 * Shapes `[n]`. No clipping: pass clipped propensities if wanted.
 * @throws ReweightingError naming the first row whose propensity is outside (0, 1) where its weight needs it
 *   (π = 0 for a treated row in the ATE, π = 1 for a control row), or is NaN.
 */
export function inversePropensityWeights(
  propensity: ArrayLike<number>,
  treatment: ArrayLike<number>,
  estimand: 'ate' | 'att' = 'ate',
): Float64Array {
  const fn = 'inversePropensityWeights';
  const n = propensity.length;
  if (treatment.length !== n) throw new ReweightingError(fn, 'treatment', `has ${treatment.length} values, propensity has ${n}`);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = propensity[i]!;
    const a = treatment[i];
    if (!(p >= 0 && p <= 1)) throw new ReweightingError(fn, 'propensity', `row ${i} is ${p}; propensities must lie in [0, 1]`);
    if (a === 1) {
      if (estimand === 'ate' && p === 0) throw new ReweightingError(fn, 'propensity', `row ${i} is 0 for a treated row: its weight 1/π is infinite (no overlap)`);
      w[i] = estimand === 'ate' ? 1 / p : 1;
    } else if (a === 0) {
      if (p === 1) throw new ReweightingError(fn, 'propensity', `row ${i} is 1 for a control row: its weight is infinite (no overlap)`);
      w[i] = estimand === 'ate' ? 1 / (1 - p) : p / (1 - p);
    } else {
      throw new ReweightingError(fn, 'treatment', `row ${i} is ${a}; treatment must be 0 or 1`);
    }
  }
  return w;
}
