import type { WeightedMaskOptions } from './observed-mask.js';
import { maskedValues } from './observed-mask.js';
import { errorsOver, resolveForecast } from './regression-errors.js';
import { checkEnumOption } from './validation.js';

/** Error measures a {@link skillScore} can be based on. */
export const SKILL_SCORE_ERRORS = ['mse', 'mae', 'rmse'] as const;

/** Error measure of a {@link skillScore}: `'mse'` (the usual skill score), `'mae'` or `'rmse'`. */
export type SkillScoreError = (typeof SKILL_SCORE_ERRORS)[number];

/** Options of {@link skillScore}. */
export interface SkillScoreOptions extends WeightedMaskOptions {
  /** The error the skill is measured in. Default `'mse'` (Murphy 1988). */
  readonly error?: SkillScoreError;
}

/**
 * Skill of a forecast against a reference forecast (persistence, seasonal-naive, climatology), in one error measure:
 *
 *     SS = 1 − E(ŷ, y) / E(r, y)
 *
 * with `E` the weighted, masked mean error of {@link regressionErrors} over the same evaluated samples for both
 * forecasts. The default `error: 'mse'` is the mean-squared-error skill score, the usual definition (Murphy 1988,
 * "Skill scores based on the mean square error and their relationships to the correlation coefficient", Mon. Wea.
 * Rev. 116: 2417–2424; Wilks 2011, "Statistical Methods in the Atmospheric Sciences", 3rd ed., §8.3). `'mae'` gives
 * `1 − MAE/MAE_ref` and `'rmse'` gives `1 − RMSE/RMSE_ref = 1 − √(1 − SS_MSE)`, which is smaller in magnitude than
 * the MSE skill — state which one a report shows.
 *
 * Range `(−∞, 1]`: 1 for a perfect forecast, 0 for a forecast as good as the reference (the reference against itself
 * scores exactly 0), negative when worse. Edge cases: reference error 0 → `-Infinity` if the forecast errs, `NaN`
 * if it is perfect too (0/0); no evaluated sample → `NaN`.
 *
 * @param targets observations `[N]`, N ≥ 1, finite where evaluated.
 * @param predictions the forecast `[N]`; `reference` the reference forecast `[N]`; both finite where evaluated.
 * @param options `error` (default `'mse'`), `mask` (0 = missing target, or no reference value, e.g. persistence
 *   without history) and `weights`, as {@link regressionErrors}.
 */
export function skillScore(
  targets: ArrayLike<number>,
  predictions: ArrayLike<number>,
  reference: ArrayLike<number>,
  options: SkillScoreOptions = {},
): number {
  const metric = 'skillScore';
  const error = checkEnumOption(metric, 'options.error', options.error ?? 'mse', SKILL_SCORE_ERRORS);
  const model = resolveForecast(metric, targets, predictions, options);
  const ref = { ...model, predictions: maskedValues(metric, 'reference', reference, model.mask) };
  return 1 - errorsOver(model)[error] / errorsOver(ref)[error];
}
