import { MetricArgumentError } from './errors.js';
import { checkLength, checkNumberOption, requireArray, requireNonEmpty, toFiniteScores } from './validation.js';

/** The weighted interval score and its three additive parts, means over samples (Bracher et al. 2021). */
export interface WeightedIntervalScoreDecomposition {
  /** Mean WIS = dispersion + underprediction + overprediction. */
  readonly score: number;
  /** Mean of `(1/(K+½)) Σ_k (α_k/2)·(u_k − l_k)`: the width part (negative where quantiles cross). */
  readonly dispersion: number;
  /** Mean of `(1/(K+½)) [Σ_k (y − u_k)·1{y > u_k} + ½(y − m)·1{y > m}]`: the target above the forecast. */
  readonly underprediction: number;
  /** Mean of `(1/(K+½)) [Σ_k (l_k − y)·1{y < l_k} + ½(m − y)·1{y < m}]`: the target below the forecast. */
  readonly overprediction: number;
  /** WIS of each sample, length N. */
  readonly perSample: Float64Array;
}

const SYMMETRY_TOLERANCE = 1e-9;

/**
 * Checks the levels: strictly increasing in (0, 1), symmetric about ½ (`τ_i + τ_{Q−1−i} = 1`) and containing the
 * median ½ — the 2K + 1 quantiles of K central intervals and the median. Returns the number of intervals K.
 */
function checkLevels(metric: string, levels: unknown): { levels: Float64Array; intervals: number } {
  const tau = toFiniteScores(metric, 'levels', levels);
  requireNonEmpty(metric, 'levels', tau.length);
  for (let i = 0; i < tau.length; i += 1) {
    const t = tau[i] ?? Number.NaN;
    if (!(t > 0 && t < 1)) throw new MetricArgumentError(metric, 'levels', `is ${t}, expected a quantile level in (0, 1)`, i);
    if (i > 0 && !(t > (tau[i - 1] ?? 0))) throw new MetricArgumentError(metric, 'levels', `is ${t}, expected levels in strictly increasing order`, i);
    const mirror = tau[tau.length - 1 - i] ?? Number.NaN;
    if (Math.abs(t + mirror - 1) > SYMMETRY_TOLERANCE) {
      throw new MetricArgumentError(metric, 'levels', `is ${t}, but its mirror level is ${mirror}; levels must be symmetric about 0.5 (pairs τ, 1 − τ of central intervals)`, i);
    }
  }
  if (tau.length % 2 === 0) {
    throw new MetricArgumentError(metric, 'levels', `has ${tau.length} levels without the median 0.5; the WIS needs the median and K interval pairs (2K + 1 levels)`);
  }
  return { levels: tau, intervals: (tau.length - 1) / 2 };
}

/**
 * Weighted interval score of quantile forecasts with its decomposition (Bracher, Ray, Gneiting & Reich, 2021,
 * "Evaluating epidemic forecasts in an interval format", PLOS Comput. Biol. 17(2): e1008618, eq. 2–4):
 *
 *     IS_α(l, u; y) = (u − l) + (2/α)(l − y)·1{y < l} + (2/α)(y − u)·1{y > u}
 *     WIS(y) = (1/(K + ½)) · [½·|y − m| + Σ_k (α_k/2)·IS_{α_k}(l_k, u_k; y)]
 *
 * for K central `(1 − α_k)` intervals `[l_k, u_k]` = the quantiles at levels `α_k/2` and `1 − α_k/2`, and the median
 * `m`. Equivalently `WIS = (1/(K + ½)) Σ_q ρ_{τ_q}(y − q̂_{τ_q})`, the pinball losses of all 2K + 1 quantiles summed
 * and divided by K + ½ — which also holds for crossed quantiles (`l_k > u_k`), where the dispersion part is negative.
 *
 * @param targets observations, length N ≥ 1.
 * @param quantiles predicted quantiles `[N][Q]` row-major (row `i`, level `j` at `i·Q + j`), columns in the order of
 *   `levels`. Crossed quantiles are scored as they are (not sorted).
 * @param levels quantile levels `[Q]`, Q = 2K + 1 odd, strictly increasing in (0, 1), symmetric about 0.5 (1e-9) and
 *   containing 0.5, e.g. `[0.05, 0.25, 0.5, 0.75, 0.95]` (K = 2: the 90 % and 50 % intervals).
 * @returns means over the N samples, and the per-sample scores. Lower is better; 0 only for a point mass at `y`.
 */
export function weightedIntervalScoreDecomposition(
  targets: ArrayLike<number>,
  quantiles: ArrayLike<number>,
  levels: ArrayLike<number>,
): WeightedIntervalScoreDecomposition {
  const metric = 'weightedIntervalScore';
  const { levels: tau, intervals } = checkLevels(metric, levels);
  const y = toFiniteScores(metric, 'targets', targets);
  requireNonEmpty(metric, 'targets', y.length);
  requireArray(metric, 'quantiles', quantiles);
  const q = tau.length;
  checkLength(metric, 'quantiles', quantiles, y.length * q, `${y.length} rows × ${q} levels, row-major`);
  const values = toFiniteScores(metric, 'quantiles', quantiles);
  const norm = 1 / (intervals + 0.5);
  const perSample = new Float64Array(y.length);
  let dispersion = 0;
  let under = 0;
  let over = 0;
  for (let i = 0; i < y.length; i += 1) {
    const target = y[i] ?? 0;
    const row = i * q;
    const median = values[row + intervals] ?? 0;
    let d = 0;
    let u = 0.5 * Math.max(target - median, 0);
    let o = 0.5 * Math.max(median - target, 0);
    for (let k = 0; k < intervals; k += 1) {
      const alpha = 2 * (tau[k] ?? 0);
      const lower = values[row + k] ?? 0;
      const upper = values[row + q - 1 - k] ?? 0;
      d += (alpha / 2) * (upper - lower);
      u += Math.max(target - upper, 0);
      o += Math.max(lower - target, 0);
    }
    perSample[i] = norm * (d + u + o);
    dispersion += norm * d;
    under += norm * u;
    over += norm * o;
  }
  const n = y.length;
  return { score: (dispersion + under + over) / n, dispersion: dispersion / n, underprediction: under / n, overprediction: over / n, perSample };
}

/**
 * Mean weighted interval score of quantile forecasts (Bracher et al. 2021); see
 * {@link weightedIntervalScoreDecomposition} for the formula, shapes and level convention.
 */
export function weightedIntervalScore(targets: ArrayLike<number>, quantiles: ArrayLike<number>, levels: ArrayLike<number>): number {
  return weightedIntervalScoreDecomposition(targets, quantiles, levels).score;
}

/**
 * Mean interval score of central `(1 − α)` intervals (Gneiting & Raftery 2007; Bracher et al. 2021, eq. 2):
 * `IS_α = (u − l) + (2/α)(l − y)·1{y < l} + (2/α)(y − u)·1{y > u}`.
 *
 * @param targets observations, length N ≥ 1; `lower`, `upper` the interval ends, length N each (not required to
 *   be ordered); `alpha` in (0, 1), e.g. 0.1 for a 90 % interval.
 */
export function intervalScore(targets: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>, alpha: number): number {
  const metric = 'intervalScore';
  const a = checkNumberOption(metric, 'alpha', alpha, 0, 1, true);
  if (a === 0) throw new MetricArgumentError(metric, 'alpha', 'must be > 0 (the interval misses with probability α)');
  const y = toFiniteScores(metric, 'targets', targets);
  requireNonEmpty(metric, 'targets', y.length);
  requireArray(metric, 'lower', lower);
  requireArray(metric, 'upper', upper);
  checkLength(metric, 'lower', lower, y.length, 'one per target');
  checkLength(metric, 'upper', upper, y.length, 'one per target');
  const l = toFiniteScores(metric, 'lower', lower);
  const u = toFiniteScores(metric, 'upper', upper);
  let sum = 0;
  for (let i = 0; i < y.length; i += 1) {
    const target = y[i] ?? 0;
    const lo = l[i] ?? 0;
    const hi = u[i] ?? 0;
    sum += hi - lo + (2 / a) * Math.max(lo - target, 0) + (2 / a) * Math.max(target - hi, 0);
  }
  return sum / y.length;
}
