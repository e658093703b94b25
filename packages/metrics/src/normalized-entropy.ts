import { logLossEps, meanLogLoss, type LogLossOptions } from './binary-log-loss.js';
import { checkNumberOption, resolveBinary } from './validation.js';

/** Options of {@link normalizedEntropy} and {@link relativeInformationGain}. */
export interface NormalizedEntropyOptions extends LogLossOptions {
  /**
   * Background rate `b` of the baseline that always predicts `b`. Default: the fraction of positives in `targets`
   * (the evaluated set). He et al. define it as "the average empirical CTR of the training data set"; pass the
   * training rate here to follow the paper exactly. Must be in `[0, 1]`.
   */
  readonly baseRate?: number;
}

function ne(metric: string, targets: ArrayLike<number>, probabilities: ArrayLike<number>, options: NormalizedEntropyOptions): number {
  const eps = logLossEps(metric, options);
  const given = options.baseRate === undefined ? undefined : checkNumberOption(metric, 'options.baseRate', options.baseRate, 0, 1);
  const r = resolveBinary(metric, targets, probabilities, 'probabilities', 'probabilities');
  let positives = 0;
  for (let i = 0; i < r.targets.length; i += 1) positives += r.targets[i] ?? 0;
  const b = given ?? positives / r.targets.length;
  if (b <= 0 || b >= 1) return Number.NaN;
  const baseline = -(b * Math.log(b) + (1 - b) * Math.log1p(-b));
  return meanLogLoss(r.targets, r.values, eps) / baseline;
}

/**
 * Normalised entropy (He et al., 2014): the log loss divided by the entropy of the background rate,
 * `NE = L / H(b)`, `H(b) = −[b ln b + (1 − b) ln(1 − b)]`, with `L` as in `binaryLogLoss` (same clipping) and `b` the
 * base rate (default: fraction of positives in `targets`). `NE < 1` beats always predicting `b`; lower is better.
 *
 * Zero division: `NaN` when `b` is 0 or 1 (the baseline entropy is 0).
 *
 * @param targets labels, each 0 or 1, length `N ≥ 1`.
 * @param probabilities predicted probabilities of class 1, each in `[0, 1]`.
 * @see He et al., "Practical Lessons from Predicting Clicks on Ads at Facebook", ADKDD 2014.
 */
export function normalizedEntropy(
  targets: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  options: NormalizedEntropyOptions = {},
): number {
  return ne('normalizedEntropy', targets, probabilities, options);
}

/**
 * Relative information gain: `RIG = 1 − NE = (H(b) − L) / H(b)`, the fraction of the background entropy the model
 * explains (higher is better; 0 = no better than predicting the base rate, negative = worse). Same conventions as
 * {@link normalizedEntropy}.
 *
 * @param targets labels, each 0 or 1, length `N ≥ 1`.
 * @param probabilities predicted probabilities of class 1, each in `[0, 1]`.
 * @see Yi et al., "Predictive Model Performance: Offline and Online Evaluations", KDD 2013.
 */
export function relativeInformationGain(
  targets: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  options: NormalizedEntropyOptions = {},
): number {
  return 1 - ne('relativeInformationGain', targets, probabilities, options);
}
