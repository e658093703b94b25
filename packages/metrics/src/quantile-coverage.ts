import { MetricArgumentError } from './errors.js';
import { maskedValues, resolveMaskedTargets, type MaskOptions } from './observed-mask.js';
import { checkLength, requireArray, requireNonEmpty, toFiniteScores } from './validation.js';

/**
 * Empirical coverage of prediction intervals: the fraction of evaluated targets inside their closed interval,
 *
 *     coverage = Σ m·1{l ≤ y ≤ u} / Σ m
 *
 * to compare with the nominal level (0.8 for a P10–P90 interval). Ends may be ±Infinity (an interval
 * `[−∞, +∞]` covers every target). A crossed interval (`l > u`) covers nothing; repair crossings first (see
 * `@counterweight/solvers`). Reference: Gneiting, Balabdaoui & Raftery (2007), "Probabilistic forecasts, calibration
 * and sharpness", J. R. Stat. Soc. B 69: 243–268 (coverage as the calibration check of central intervals).
 *
 * Edge case: no evaluated sample → `NaN`.
 *
 * @param targets observations `[N]`, N ≥ 1, finite where evaluated.
 * @param lower lower ends `[N]`; `upper` upper ends `[N]`; not NaN where evaluated.
 * @param options `mask` (0 = missing target; default all evaluated).
 */
export function intervalCoverage(
  targets: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  options: MaskOptions = {},
): number {
  const metric = 'intervalCoverage';
  const r = resolveMaskedTargets(metric, targets, options.mask);
  const l = maskedValues(metric, 'lower', lower, r.mask, true);
  const u = maskedValues(metric, 'upper', upper, r.mask, true);
  let count = 0;
  let inside = 0;
  for (let i = 0; i < r.targets.length; i += 1) {
    if (r.mask[i] !== 1) continue;
    const y = r.targets[i] ?? 0;
    count += 1;
    if ((l[i] ?? 0) <= y && y <= (u[i] ?? 0)) inside += 1;
  }
  return inside / count;
}

/**
 * Per-level coverage of quantile forecasts: for each level `τ_j`, the fraction of evaluated targets at or below the
 * forecast quantile,
 *
 *     coverage_j = Σ_i m_i·1{y_i ≤ q̂_ij} / Σ_i m_i
 *
 * which a calibrated forecaster brings close to `τ_j` (the quantile reliability check; `P(Y ≤ q_τ) ≥ τ` for the
 * quantile `q_τ = inf{q : F(q) ≥ τ}`, hence `≤`). Crossed quantiles are counted as they are. Reference: Gneiting,
 * Balabdaoui & Raftery 2007 (marginal calibration of quantiles).
 *
 * @param targets observations `[N]`, N ≥ 1, finite where evaluated.
 * @param quantiles forecast quantiles `[N][Q]` row-major (row `i`, level `j` at `i·Q + j`), not NaN in evaluated
 *   rows (±Infinity allowed); rows left out by the mask may hold anything.
 * @param levels `[Q]`, Q ≥ 1, levels in (0, 1), any order (they only label the columns and are checked).
 * @param options `mask` over the N rows (0 = missing target; default all evaluated).
 * @returns `Float64Array` `[Q]`, coverage per level in the order of `levels`; all `NaN` when no row is evaluated.
 */
export function quantileCoverage(
  targets: ArrayLike<number>,
  quantiles: ArrayLike<number>,
  levels: ArrayLike<number>,
  options: MaskOptions = {},
): Float64Array {
  const metric = 'quantileCoverage';
  const tau = toFiniteScores(metric, 'levels', levels);
  requireNonEmpty(metric, 'levels', tau.length);
  tau.forEach((t, j) => {
    if (!(t > 0 && t < 1)) throw new MetricArgumentError(metric, 'levels', `is ${t}, expected a quantile level in (0, 1)`, j);
  });
  const r = resolveMaskedTargets(metric, targets, options.mask);
  const n = r.targets.length;
  const q = tau.length;
  requireArray(metric, 'quantiles', quantiles);
  checkLength(metric, 'quantiles', quantiles, n * q, `${n} rows × ${q} levels, row-major`);
  const rowMask = new Uint8Array(n * q);
  for (let i = 0; i < n; i += 1) rowMask.fill(r.mask[i] ?? 0, i * q, (i + 1) * q);
  const values = maskedValues(metric, 'quantiles', quantiles, rowMask, true);
  const below = new Float64Array(q);
  let count = 0;
  for (let i = 0; i < n; i += 1) {
    if (r.mask[i] !== 1) continue;
    count += 1;
    const y = r.targets[i] ?? 0;
    for (let j = 0; j < q; j += 1) if (y <= (values[i * q + j] ?? 0)) below[j] = (below[j] ?? 0) + 1;
  }
  return below.map((b) => b / count);
}
