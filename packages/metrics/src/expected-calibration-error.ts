import { binCalibration, calibrationSettings, eceOfBins, type CalibrationOptions, type ReliabilityBin } from './calibration-bins.js';
import { groupIndexOfClass, type ClassGrouping } from './class-groups.js';
import { checkNumClasses, checkRowMajor, requireArray, requireNonEmpty, toClassIds, toProbabilities } from './validation.js';

/** Top-label confidences and correctness of `[N][C]` probabilities (internal). */
function topLabel(
  metric: string,
  targets: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  numClasses: number,
): { targets: Int32Array; confidence: Float64Array; correct: Uint8Array; numClasses: number } {
  const c = checkNumClasses(metric, numClasses);
  const t = toClassIds(metric, 'targets', targets, c);
  requireNonEmpty(metric, 'targets', t.length);
  requireArray(metric, 'probabilities', probabilities);
  checkRowMajor(metric, 'probabilities', probabilities, t.length, c);
  const p = toProbabilities(metric, 'probabilities', probabilities, c);
  const confidence = new Float64Array(t.length);
  const correct = new Uint8Array(t.length);
  for (let i = 0; i < t.length; i += 1) {
    const base = i * c;
    let best = 0;
    let bestValue = p[base] ?? 0;
    for (let k = 1; k < c; k += 1) {
      const v = p[base + k] ?? 0;
      if (v > bestValue) {
        best = k;
        bestValue = v;
      }
    }
    confidence[i] = bestValue;
    correct[i] = best === t[i] ? 1 : 0;
  }
  return { targets: t, confidence, correct, numClasses: c };
}

/**
 * Reliability-diagram bins of a multi-class classifier (top-label): each sample's confidence is its largest class
 * probability `p̂_i = max_c p_ic`, its prediction the arg-max (ties to the lowest class index), and each bin reports
 * its sample count, mean confidence and accuracy (fraction of correct predictions).
 *
 * Bins: `M` (default 15) equal-width bins `(k/M, (k+1)/M]` (the first also holds 0) — Guo et al., 2017 and their
 * reference code (`confidences.gt(lower) * confidences.le(upper)`); `binning: 'quantile'` gives equal-mass bins.
 * torchmetrics' `multiclass_calibration_error` bins `[lower, upper)` instead, which differs only for confidences lying
 * exactly on an edge.
 *
 * @param targets true class ids, length `N ≥ 1`.
 * @param probabilities `[N][C]` class probabilities flattened row-major (e.g. softmax outputs), each in `[0, 1]`; rows
 *   are used as given (not renormalised).
 * @param numClasses `C ≥ 2`.
 * @returns `M` bins in increasing order of confidence; empty bins have `count` 0 and `NaN` confidence and accuracy.
 * @see Guo, Pleiss, Sun, Weinberger, "On Calibration of Modern Neural Networks", ICML 2017, §2.
 */
export function reliabilityBins(
  targets: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  numClasses: number,
  options: CalibrationOptions = {},
): ReliabilityBin[] {
  const { bins, binning } = calibrationSettings('reliabilityBins', options);
  const r = topLabel('reliabilityBins', targets, probabilities, numClasses);
  return binCalibration(r.confidence, r.correct, bins, binning);
}

/**
 * Expected calibration error, top-label (Guo et al., 2017):
 * `ECE = Σ_b (|B_b| / N) · |acc(B_b) − conf(B_b)|` over the bins of {@link reliabilityBins} (`M = 15` equal-width bins
 * by default), with `conf` the mean top-label confidence and `acc` the accuracy of the samples in bin `b`. Empty bins
 * contribute nothing.
 *
 * Choices that change the number, all explicit here: the bin count (`options.bins`), equal-width vs equal-mass bins
 * (`options.binning`), top-label (this function) vs class-wise ECE, and the edge rule `(lower, upper]`.
 *
 * @param targets true class ids, length `N ≥ 1`.
 * @param probabilities `[N][C]` class probabilities flattened row-major, each in `[0, 1]`.
 * @param numClasses `C ≥ 2`.
 * @returns a number in `[0, 1]`.
 * @see Guo et al., "On Calibration of Modern Neural Networks", ICML 2017, §2; Naeini et al., AAAI 2015.
 */
export function expectedCalibrationError(
  targets: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  numClasses: number,
  options: CalibrationOptions = {},
): number {
  const { bins, binning } = calibrationSettings('expectedCalibrationError', options);
  const r = topLabel('expectedCalibrationError', targets, probabilities, numClasses);
  return eceOfBins(binCalibration(r.confidence, r.correct, bins, binning));
}

/**
 * Expected calibration error per class group (e.g. many / medium / few shot): the samples are split by the group of
 * their TRUE class, and each group's ECE is computed over its own samples alone with the same bins rule
 * (`expectedCalibrationError` of that subset; with `binning: 'quantile'` the edges are the subset's quantiles).
 * Reweighting and logit adjustment shift calibration differently for head and tail classes, which one overall ECE
 * hides.
 *
 * @param targets true class ids, length `N ≥ 1`.
 * @param probabilities `[N][C]` class probabilities flattened row-major, each in `[0, 1]`.
 * @param numClasses `C ≥ 2`.
 * @param grouping group names and the group of every class (`shotGroups`, `indexThirds` or caller-given).
 * @returns one entry per name in `grouping.groups`; `NaN` for a group with no sample in `targets`.
 */
export function groupExpectedCalibrationError<G extends string>(
  targets: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  numClasses: number,
  grouping: ClassGrouping<G>,
  options: CalibrationOptions = {},
): Record<G, number> {
  const metric = 'groupExpectedCalibrationError';
  const { bins, binning } = calibrationSettings(metric, options);
  const r = topLabel(metric, targets, probabilities, numClasses);
  const groupOf = groupIndexOfClass(metric, grouping, r.numClasses);
  const out = {} as Record<G, number>;
  grouping.groups.forEach((name, g) => {
    const members: number[] = [];
    for (let i = 0; i < r.targets.length; i += 1) if (groupOf[r.targets[i] ?? 0] === g) members.push(i);
    if (members.length === 0) {
      out[name] = Number.NaN;
      return;
    }
    const confidence = Float64Array.from(members, (i) => r.confidence[i] ?? 0);
    const correct = Uint8Array.from(members, (i) => r.correct[i] ?? 0);
    out[name] = eceOfBins(binCalibration(confidence, correct, bins, binning));
  });
  return out;
}
