import { SolverArgumentError } from './errors.js';
import { checkQuantileRows, repairQuantileCrossing, type QuantileRepairMethod, type QuantileRows } from './quantile-repair.js';

/** A fitted split-conformal correction of one `(1 − α)` interval (CQR). */
export interface ConformalInterval {
  /** Miscoverage α of the interval. */
  readonly alpha: number;
  /** `Q`, added to the upper and subtracted from the lower end (negative: the interval shrinks; `Infinity` when n is too small). */
  readonly correction: number;
  /** `k = ⌈(1 − α)(n + 1)⌉`, the rank of `Q` among the n conformity scores. */
  readonly rank: number;
  /** Size n of the calibration set. */
  readonly calibrationSize: number;
}

function checkAlpha(fn: string, argument: string, alpha: number): number {
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 1)) {
    throw new SolverArgumentError(fn, argument, `must be a miscoverage level in (0, 1), got ${String(alpha)}`);
  }
  return alpha;
}

function finiteVector(fn: string, argument: string, values: ArrayLike<number>, n: number, what: string): void {
  if (values.length !== n) throw new SolverArgumentError(fn, argument, `has ${values.length} entries, expected ${n} (${what})`);
  for (let i = 0; i < n; i += 1) {
    const v = values[i] ?? Number.NaN;
    if (!Number.isFinite(v)) throw new SolverArgumentError(fn, argument, `must be finite, got ${v} at index ${i}`);
  }
}

/** `Q` = the k-th smallest of the scores, `k = ⌈(1 − α)(n + 1)⌉`; `Infinity` when k > n (internal). */
function conformalQuantile(scores: Float64Array, alpha: number): { correction: number; rank: number } {
  const n = scores.length;
  // The small epsilon keeps (1 − α)(n + 1) that is an integer in exact arithmetic from rounding up by one.
  const rank = Math.ceil((1 - alpha) * (n + 1) - 1e-9);
  if (rank > n) return { correction: Number.POSITIVE_INFINITY, rank };
  const sorted = Float64Array.from(scores).sort();
  return { correction: sorted[Math.max(rank, 1) - 1] ?? Number.NaN, rank };
}

/**
 * Split-conformal calibration of a quantile interval: conformalized quantile regression, CQR (Romano, Patterson &
 * Candès, NeurIPS 2019, Algorithm 1). On a held-out calibration set of n samples with predicted ends `l_i`, `u_i`:
 *
 *     E_i = max(l_i − y_i, y_i − u_i),   Q = the ⌈(1 − α)(n + 1)⌉-th smallest E_i,
 *     calibrated interval = [l(x) − Q, u(x) + Q]
 *
 * If the calibration and test samples are exchangeable, `P(y ∈ [l − Q, u + Q]) ≥ 1 − α` for any base model, and
 * `≤ 1 − α + 1/(n + 1)` when the scores have no ties. `Q` may be negative (the base interval was too wide). With
 * `n < 1/α − 1` the rank exceeds n and `Q = Infinity` (an infinite interval), as in the paper.
 *
 * @param lower, upper base interval ends on the calibration set (e.g. the `α/2` and `1 − α/2` quantiles), length n.
 * @param targets calibration targets, length n ≥ 1. @param alpha miscoverage in (0, 1), e.g. 0.1.
 * @throws SolverArgumentError for mismatched lengths, non-finite values or α outside (0, 1).
 */
export function fitConformalInterval(
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  targets: ArrayLike<number>,
  alpha: number,
): ConformalInterval {
  const fn = 'fitConformalInterval';
  checkAlpha(fn, 'alpha', alpha);
  const n = targets.length;
  if (n < 1) throw new SolverArgumentError(fn, 'targets', 'must hold at least one calibration sample');
  finiteVector(fn, 'targets', targets, n, 'calibration targets');
  finiteVector(fn, 'lower', lower, n, 'one per target');
  finiteVector(fn, 'upper', upper, n, 'one per target');
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    const y = targets[i] ?? 0;
    scores[i] = Math.max((lower[i] ?? 0) - y, y - (upper[i] ?? 0));
  }
  return { alpha, ...conformalQuantile(scores, alpha), calibrationSize: n };
}

/** `[l − Q, u + Q]` for new base intervals (new arrays); see {@link fitConformalInterval}. */
export function applyConformalInterval(
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  calibration: Pick<ConformalInterval, 'correction'>,
): { lower: Float64Array; upper: Float64Array } {
  const fn = 'applyConformalInterval';
  finiteVector(fn, 'upper', upper, lower.length, "one per entry of 'lower'");
  const q = calibration.correction;
  if (Number.isNaN(q)) throw new SolverArgumentError(fn, 'calibration.correction', 'must be a number or ±Infinity, got NaN');
  return { lower: Float64Array.from(lower, (l) => l - q), upper: Float64Array.from(upper, (u) => u + q) };
}

/** Split-conformal corrections of every symmetric interval of a quantile grid (see {@link fitConformalQuantiles}). */
export interface ConformalQuantiles {
  /** The levels `[Q]` the corrections were fitted for. */
  readonly levels: readonly number[];
  /** One correction per interval `(levels[j], levels[Q − 1 − j])`, j = 0 … ⌊Q/2⌋ − 1, outermost first. */
  readonly intervals: readonly ConformalInterval[];
}

function checkSymmetricLevels(fn: string, levels: ArrayLike<number>, q: number): number[] {
  if (levels.length !== q) throw new SolverArgumentError(fn, 'levels', `has ${levels.length} levels, the quantile rows have ${q} columns`);
  const tau = Array.from(levels);
  tau.forEach((t, j) => {
    if (!(t > 0 && t < 1)) throw new SolverArgumentError(fn, 'levels', `must lie in (0, 1), got ${t} at index ${j}`);
    if (j > 0 && !(t > (tau[j - 1] ?? 0))) throw new SolverArgumentError(fn, 'levels', `must increase strictly, got ${t} after ${tau[j - 1]} at index ${j}`);
    const mirror = tau[q - 1 - j] ?? Number.NaN;
    if (Math.abs(t + mirror - 1) > 1e-9) {
      throw new SolverArgumentError(fn, 'levels', `must be symmetric about 0.5 (τ and 1 − τ), got ${t} at index ${j} and ${mirror} at index ${q - 1 - j}`);
    }
  });
  if (q < 2) throw new SolverArgumentError(fn, 'levels', 'must hold at least one pair τ < 0.5 < 1 − τ');
  return tau;
}

/**
 * CQR applied to every central interval of a symmetric quantile grid: the pair of columns `(τ_j, 1 − τ_j)` is the
 * `(1 − 2τ_j)` interval and gets its own correction ({@link fitConformalInterval} with `α = 2τ_j`); a median column
 * stays as it is. Calibrate on held-out data, then use {@link applyConformalQuantiles}.
 *
 * @param quantiles calibration predictions `[n][Q]`, columns in the order of `levels`; `targets` length n;
 *   `levels` strictly increasing in (0, 1) and symmetric about 0.5 (e.g. 0.05, 0.25, 0.5, 0.75, 0.95).
 */
export function fitConformalQuantiles(quantiles: QuantileRows, targets: ArrayLike<number>, levels: ArrayLike<number>): ConformalQuantiles {
  const fn = 'fitConformalQuantiles';
  const q = checkQuantileRows(quantiles, fn);
  const tau = checkSymmetricLevels(fn, levels, q);
  if (targets.length !== quantiles.length) {
    throw new SolverArgumentError(fn, 'targets', `has ${targets.length} entries, 'quantiles' has ${quantiles.length} rows`);
  }
  const intervals: ConformalInterval[] = [];
  for (let j = 0; j < Math.floor(q / 2); j += 1) {
    const lower = quantiles.map((row) => row[j] ?? 0);
    const upper = quantiles.map((row) => row[q - 1 - j] ?? 0);
    intervals.push(fitConformalInterval(lower, upper, targets, 2 * (tau[j] ?? 0)));
  }
  return { levels: tau, intervals };
}

/**
 * Applies {@link fitConformalQuantiles}' corrections to new predictions `[N][Q]`: column j moves down by `Q_j` and
 * column `Q − 1 − j` up by `Q_j`. Corrections of nested intervals can differ, so the result may cross; it is then
 * repaired with `repair` (default `sort`; `isotonic`, or `none` to keep the raw corrected values).
 */
export function applyConformalQuantiles(
  quantiles: QuantileRows,
  calibration: ConformalQuantiles,
  options: { readonly repair?: QuantileRepairMethod | 'none' } = {},
): Float64Array[] {
  const fn = 'applyConformalQuantiles';
  const q = checkQuantileRows(quantiles, fn);
  if (q !== calibration.levels.length) {
    throw new SolverArgumentError(fn, 'quantiles', `has ${q} columns, the calibration was fitted for ${calibration.levels.length} levels`);
  }
  const repair = options.repair ?? 'sort';
  if (repair !== 'none' && repair !== 'sort' && repair !== 'isotonic') {
    throw new SolverArgumentError(fn, 'options.repair', `must be 'sort', 'isotonic' or 'none', got '${String(repair)}'`);
  }
  const corrected = quantiles.map((row) => {
    const out = Float64Array.from(row);
    calibration.intervals.forEach(({ correction }, j) => {
      out[j] = (out[j] ?? 0) - correction;
      out[q - 1 - j] = (out[q - 1 - j] ?? 0) + correction;
    });
    return out;
  });
  const finite = corrected.every((row) => row.every(Number.isFinite));
  return repair === 'none' || !finite ? corrected : repairQuantileCrossing(corrected, { method: repair });
}
