import {
  applyConformalQuantiles,
  fitConformalQuantiles,
  repairQuantileCrossing,
  type ConformalQuantiles,
  type QuantileRepairMethod,
} from '@counterweight/solvers';

import { ObjectiveArgumentError } from './objective-error.js';

const FIT = 'fitQuantileCalibration';
const APPLY = 'QuantileCalibration.apply';
const REPAIR = 'repairQuantiles';

/** Quantile forecasts as plain numbers: `values` row-major `[N, K, Q]` (window, target column `h·V + v`, level). */
export interface QuantileForecasts {
  readonly values: ArrayLike<number>;
  /** `[N, K, Q]`. */
  readonly shape: readonly [number, number, number];
}

/** Options of {@link fitQuantileCalibration}. */
export interface QuantileCalibrationOptions {
  /** Crossing repair before fitting and after applying: `sort` (default, rearrangement) or `isotonic` (PAVA). */
  readonly repair?: QuantileRepairMethod;
}

/** A fitted calibration: per target column, one CQR correction per central interval. */
export interface QuantileCalibration {
  readonly levels: readonly number[];
  /**
   * Per target column k: the conformal corrections of the intervals `(levels[j], levels[Q − 1 − j])`, outermost first
   * (added to the upper end and subtracted from the lower end), or `null` when the column had no observed validation
   * target (then it is only repaired, not calibrated).
   */
  readonly corrections: readonly (readonly number[] | null)[];
  /** Observed validation targets per column (the calibration set size n of each). */
  readonly calibrationSizes: readonly number[];
  /** Calibrated forecasts `[M, K, Q]`: crossings repaired, CQR corrections applied, repaired again. */
  apply(testQuantiles: QuantileForecasts): QuantileForecasts & { readonly values: Float64Array };
}

function checkForecasts(fn: string, argument: string, forecasts: QuantileForecasts): [number, number, number] {
  const shape = forecasts?.shape;
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ObjectiveArgumentError(fn, `${argument}.shape`, 'must be [N, K, Q] (windows, target columns, levels)');
  }
  const [n, k, q] = shape as [number, number, number];
  if (forecasts.values.length !== n * k * q) {
    throw new ObjectiveArgumentError(fn, `${argument}.values`, `holds ${forecasts.values.length} numbers, its shape [${n}, ${k}, ${q}] needs ${n * k * q}`);
  }
  return [n, k, q];
}

function rowsOfColumn(values: ArrayLike<number>, n: number, k: number, q: number, column: number, keep?: (i: number) => boolean): Float64Array[] {
  const rows: Float64Array[] = [];
  for (let i = 0; i < n; i += 1) {
    if (keep !== undefined && !keep(i)) continue;
    const at = (i * k + column) * q;
    const row = new Float64Array(q);
    for (let j = 0; j < q; j += 1) row[j] = values[at + j] ?? Number.NaN;
    rows.push(row);
  }
  return rows;
}

/**
 * Repairs crossed quantiles of every forecast `[N, K, Q]` (each `[Q]` row made non-decreasing) with
 * @counterweight/solvers' `repairQuantileCrossing`: `sort` (default; Chernozhukov, Fernández-Val & Galichon 2010) or
 * `isotonic` (PAVA). Never increases the pinball loss of a row. Returns new values (float64).
 * @throws ObjectiveArgumentError for a malformed shape; the solver's error for non-finite values.
 */
export function repairQuantiles(forecasts: QuantileForecasts, method: QuantileRepairMethod = 'sort'): QuantileForecasts & { readonly values: Float64Array } {
  const [n, k, q] = checkForecasts(REPAIR, 'forecasts', forecasts);
  const out = new Float64Array(n * k * q);
  if (n * k > 0) {
    const rows = Array.from({ length: n * k }, (_, r) => Array.prototype.slice.call(forecasts.values, r * q, (r + 1) * q) as number[]);
    repairQuantileCrossing(rows, { method }).forEach((row, r) => out.set(row, r * q));
  }
  return { values: out, shape: [n, k, q] };
}

/**
 * Split-conformal calibration of quantile forecasts (conformalized quantile regression, CQR: Romano, Patterson &
 * Candès, NeurIPS 2019), fitted on VALIDATION forecasts against validation targets, separately for every target column
 * (variable and horizon): the validation forecasts are first repaired (crossings), then @counterweight/solvers'
 * `fitConformalQuantiles` gives, for each central interval `(τ_j, 1 − τ_j)` (e.g. [P10, P90], α = 0.2), the
 * correction `Q_j` = the ⌈(1 − α)(n + 1)⌉-th smallest `max(q̂_lo − y, y − q̂_hi)` over the column's n observed
 * validation targets. `apply` repairs test forecasts, widens (or narrows) each interval by its `Q_j` and repairs again
 * (`applyConformalQuantiles`). Under exchangeability the calibrated interval covers with probability ≥ 1 − α; with
 * `n < 1/α − 1` the correction is `Infinity` (an unbounded interval), as in the paper.
 *
 * @param validationQuantiles `[N, K, Q]` forecasts of the validation windows (any units, the targets' units).
 * @param validationTargets `[N, K]` targets; only observed ones (mask 1) are used (missing ones may be NaN).
 * @param mask `[N, K]`, 1 observed / 0 missing.
 * @param levels `[Q]` strictly increasing, symmetric about 0.5 (e.g. 0.1, 0.5, 0.9).
 * @throws ObjectiveArgumentError naming the argument whose length or shape does not fit; the solver's
 *   SolverArgumentError for levels that are not symmetric or non-finite forecasts.
 */
export function fitQuantileCalibration(
  validationQuantiles: QuantileForecasts,
  validationTargets: ArrayLike<number>,
  mask: ArrayLike<number>,
  levels: readonly number[],
  options: QuantileCalibrationOptions = {},
): QuantileCalibration {
  const [n, k, q] = checkForecasts(FIT, 'validationQuantiles', validationQuantiles);
  if (levels.length !== q) throw new ObjectiveArgumentError(FIT, 'levels', `has ${levels.length} levels, the forecasts have ${q} per target`);
  if (validationTargets.length !== n * k) throw new ObjectiveArgumentError(FIT, 'validationTargets', `holds ${validationTargets.length} values, expected N·K = ${n * k}`);
  if (mask.length !== n * k) throw new ObjectiveArgumentError(FIT, 'mask', `holds ${mask.length} values, expected N·K = ${n * k}`);
  const repair = options.repair ?? 'sort';
  const repaired = repairQuantiles(validationQuantiles, repair).values;
  const fits: (ConformalQuantiles | null)[] = [];
  const sizes: number[] = [];
  for (let c = 0; c < k; c += 1) {
    const observed = (i: number): boolean => (mask[i * k + c] ?? 0) !== 0;
    const rows = rowsOfColumn(repaired, n, k, q, c, observed);
    const targets: number[] = [];
    for (let i = 0; i < n; i += 1) if (observed(i)) targets.push(validationTargets[i * k + c] ?? Number.NaN);
    sizes.push(rows.length);
    fits.push(rows.length === 0 ? null : fitConformalQuantiles(rows, targets, levels));
  }
  return {
    levels: [...levels],
    corrections: fits.map((f) => (f === null ? null : f.intervals.map((interval) => interval.correction))),
    calibrationSizes: sizes,
    apply(testQuantiles: QuantileForecasts): QuantileForecasts & { readonly values: Float64Array } {
      const [m, kt, qt] = checkForecasts(APPLY, 'testQuantiles', testQuantiles);
      if (kt !== k || qt !== q) throw new ObjectiveArgumentError(APPLY, 'testQuantiles.shape', `must be [M, ${k}, ${q}] as the validation forecasts, got [${m}, ${kt}, ${qt}]`);
      const base = repairQuantiles(testQuantiles, repair).values;
      const out = new Float64Array(base.length);
      for (let c = 0; c < k; c += 1) {
        const rows = rowsOfColumn(base, m, k, q, c);
        const fit = fits[c] ?? null;
        const calibrated = fit === null || rows.length === 0 ? rows : applyConformalQuantiles(rows, fit, { repair });
        calibrated.forEach((row, i) => out.set(row, (i * k + c) * q));
      }
      return { values: out, shape: [m, k, q] };
    },
  };
}
