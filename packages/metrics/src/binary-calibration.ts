import { binCalibration, calibrationSettings, eceOfBins, type CalibrationOptions, type ReliabilityBin } from './calibration-bins.js';
import { resolveBinary } from './validation.js';

/**
 * Reliability-diagram bins of binary probabilities (the CTR reading): samples are binned by their predicted
 * probability of class 1, and each bin reports its count, mean predicted probability (`confidence`) and observed
 * fraction of positives (`accuracy`) — the `prob_pred` / `prob_true` of scikit-learn's `calibration_curve`.
 *
 * Bins: `M` (default 15) equal-width bins `(k/M, (k+1)/M]`, the first also holding 0; `binning: 'quantile'` gives
 * equal-mass bins (useful when most probabilities are small, as for click-through rates).
 *
 * Note: this is the class-1 (positive-class) reliability, not the top-label one; the top-label ECE of `[1 − p, p]`
 * bins `max(p, 1 − p)` and is a different number.
 *
 * @param targets labels, each 0 or 1, length `N ≥ 1`.
 * @param probabilities predicted probabilities of class 1, each in `[0, 1]`, length `N`.
 * @returns `M` bins in increasing order; empty bins have `count` 0 and `NaN` confidence and accuracy.
 */
export function binaryReliabilityBins(
  targets: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  options: CalibrationOptions = {},
): ReliabilityBin[] {
  const { bins, binning } = calibrationSettings('binaryReliabilityBins', options);
  const r = resolveBinary('binaryReliabilityBins', targets, probabilities, 'probabilities', 'probabilities');
  return binCalibration(r.values, r.targets, bins, binning);
}

/**
 * Expected calibration error of binary probabilities: `ECE = Σ_b (|B_b| / N) · |ȳ_b − p̄_b|` over the bins of
 * {@link binaryReliabilityBins}, with `p̄_b` the mean predicted probability and `ȳ_b` the fraction of positives in bin
 * `b` (default 15 equal-width bins). Empty bins contribute nothing.
 *
 * @param targets labels, each 0 or 1, length `N ≥ 1`.
 * @param probabilities predicted probabilities of class 1, each in `[0, 1]`.
 * @returns a number in `[0, 1]`.
 * @see Naeini, Cooper, Hauskrecht, "Obtaining Well Calibrated Probabilities Using Bayesian Binning", AAAI 2015;
 *   Guo et al., ICML 2017.
 */
export function binaryExpectedCalibrationError(
  targets: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  options: CalibrationOptions = {},
): number {
  const { bins, binning } = calibrationSettings('binaryExpectedCalibrationError', options);
  const r = resolveBinary('binaryExpectedCalibrationError', targets, probabilities, 'probabilities', 'probabilities');
  return eceOfBins(binCalibration(r.values, r.targets, bins, binning));
}

/**
 * Calibration ratio, predicted over observed: `Σ_i p_i / Σ_i y_i` — the mean predicted CTR divided by the empirical
 * CTR (He et al., 2014: "the ratio of the average estimated CTR and empirical CTR"). 1 is calibrated in the
 * mean; above 1 over-predicts, below 1 under-predicts.
 *
 * Zero division: with no positive label the result is IEEE division, `Infinity` when some probability is > 0 and
 * `NaN` when all are 0.
 *
 * @param targets labels, each 0 or 1, length `N ≥ 1`.
 * @param probabilities predicted probabilities of class 1, each in `[0, 1]`.
 * @see He et al., "Practical Lessons from Predicting Clicks on Ads at Facebook", ADKDD 2014.
 */
export function calibrationRatio(targets: ArrayLike<number>, probabilities: ArrayLike<number>): number {
  const r = resolveBinary('calibrationRatio', targets, probabilities, 'probabilities', 'probabilities');
  let predicted = 0;
  let observed = 0;
  for (let i = 0; i < r.values.length; i += 1) {
    predicted += r.values[i] ?? 0;
    observed += r.targets[i] ?? 0;
  }
  return predicted / observed;
}
