import { checkThreshold, sortedQuantile } from './empirical-quantile.js';
import type { WeightedMaskOptions } from './observed-mask.js';
import { errorsOver, resolveForecast, type RegressionErrors } from './regression-errors.js';
import { checkNumberOption } from './validation.js';

/** Point-forecast errors on the samples whose target reaches a threshold. */
export interface ExtremeErrors extends RegressionErrors {
  /** The threshold: given ({@link exceedanceErrors}) or the empirical quantile ({@link topQuantileErrors}). */
  readonly threshold: number;
}

/**
 * MAE, RMSE and mean error restricted to the extreme targets, `y ≥ threshold` (e.g. PM2.5 ≥ 75 µg/m³, China's AQI
 * "polluted" level, and ≥ 150, "heavy"): the formulas of {@link regressionErrors} over the evaluated samples with
 * `y_i ≥ threshold`. The samples are selected by the OBSERVED value, never the forecast, so a forecast that misses a
 * spike is scored on it (the region-wise evaluation of imbalanced regression, Yang et al. 2021, applied to a tail).
 *
 * Edge case: no evaluated target reaches the threshold → `count` 0 and `NaN` errors.
 *
 * @param targets observations `[N]`, N ≥ 1; `predictions` `[N]`; both finite where evaluated.
 * @param threshold finite; the comparison is inclusive (`≥`), as the AQI breakpoints and PM2.5-GNN's event
 *   definition (Wang et al. 2020).
 * @param options `mask` and `weights`, as {@link regressionErrors}.
 */
export function exceedanceErrors(
  targets: ArrayLike<number>,
  predictions: ArrayLike<number>,
  threshold: number,
  options: WeightedMaskOptions = {},
): ExtremeErrors {
  const metric = 'exceedanceErrors';
  const t = checkThreshold(metric, threshold);
  const inputs = resolveForecast(metric, targets, predictions, options);
  const selected: number[] = [];
  inputs.targets.forEach((y, i) => {
    if (inputs.mask[i] === 1 && y >= t) selected.push(i);
  });
  return { ...errorsOver(inputs, selected), threshold: t };
}

/** Options of {@link topQuantileErrors}. */
export interface TopQuantileOptions extends WeightedMaskOptions {
  /** Quantile level `p` of the targets above which samples count as extreme; default 0.9 (the top decile). */
  readonly level?: number;
}

/**
 * Errors on the top `1 − p` fraction of the targets (the top decile by default): the threshold is the empirical
 * `p`-quantile of the EVALUATED targets (mask 1; unweighted — weights enter the means only), by linear interpolation
 * as NumPy's default `numpy.quantile` (Hyndman & Fan 1996 type 7, see {@link empiricalQuantile}), and the errors are
 * those of {@link exceedanceErrors} at that threshold (`y ≥ Q(p)`). With ties at the threshold more than `(1 − p)·n`
 * samples can be selected. To fix the threshold from training data instead (as the research notes recommend for a
 * comparison across models and periods), compute it with `empiricalQuantile` and call `exceedanceErrors`.
 *
 * Edge case: no evaluated sample → threshold and errors `NaN`, `count` 0.
 *
 * @param targets observations `[N]`, N ≥ 1; `predictions` `[N]`; both finite where evaluated.
 * @param options `level` in [0, 1) (default 0.9), `mask` and `weights` as {@link regressionErrors}.
 */
export function topQuantileErrors(
  targets: ArrayLike<number>,
  predictions: ArrayLike<number>,
  options: TopQuantileOptions = {},
): ExtremeErrors {
  const metric = 'topQuantileErrors';
  const level = checkNumberOption(metric, 'options.level', options.level ?? 0.9, 0, 1, true);
  const inputs = resolveForecast(metric, targets, predictions, options);
  const evaluated = inputs.targets.filter((_, i) => inputs.mask[i] === 1);
  if (evaluated.length === 0) return { ...errorsOver(inputs, []), threshold: Number.NaN };
  const threshold = sortedQuantile(evaluated.sort(), level);
  const selected: number[] = [];
  inputs.targets.forEach((y, i) => {
    if (inputs.mask[i] === 1 && y >= threshold) selected.push(i);
  });
  return { ...errorsOver(inputs, selected), threshold };
}
