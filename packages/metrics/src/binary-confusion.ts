import { MetricArgumentError } from './errors.js';
import { checkNumberOption, resolveBinary } from './validation.js';

/** Counts of a thresholded binary classifier. */
export interface BinaryConfusion {
  /** True positives: label 1, predicted 1. */
  readonly tp: number;
  /** False positives: label 0, predicted 1. */
  readonly fp: number;
  /** True negatives: label 0, predicted 0. */
  readonly tn: number;
  /** False negatives: label 1, predicted 0. */
  readonly fn: number;
}

/** Options of {@link binaryConfusion}. */
export interface BinaryConfusionOptions {
  /** A sample is predicted positive when `score >= threshold`. Default 0.5 (probabilities); use 0 for logits. */
  readonly threshold?: number;
}

/**
 * Confusion counts of a binary classifier at a threshold: predicted positive iff `score >= threshold` (default 0.5).
 *
 * @param targets labels, each 0 or 1, length `N ≥ 1`.
 * @param scores finite scores or probabilities, length `N`.
 * @returns `{ tp, fp, tn, fn }`, summing to `N`.
 */
export function binaryConfusion(
  targets: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: BinaryConfusionOptions = {},
): BinaryConfusion {
  const metric = 'binaryConfusion';
  const threshold = checkNumberOption(metric, 'options.threshold', options.threshold ?? 0.5, -Number.MAX_VALUE, Number.MAX_VALUE);
  const r = resolveBinary(metric, targets, scores, 'scores', 'scores');
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < r.targets.length; i += 1) {
    const predicted = (r.values[i] ?? 0) >= threshold;
    if (r.targets[i] === 1) {
      if (predicted) tp += 1;
      else fn += 1;
    } else if (predicted) fp += 1;
    else tn += 1;
  }
  return { tp, fp, tn, fn };
}

function checkConfusion(metric: string, c: BinaryConfusion): void {
  if (c === null || typeof c !== 'object') throw new MetricArgumentError(metric, 'confusion', 'is required');
  for (const key of ['tp', 'fp', 'tn', 'fn'] as const) {
    const v = c[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new MetricArgumentError(metric, `confusion.${key}`, `is ${String(v)}, expected a finite count >= 0`);
    }
  }
}

/**
 * Recall (sensitivity, true-positive rate) of class 1: `tp / (tp + fn)`.
 *
 * Zero division: `NaN` when there is no positive label (scikit-learn returns 0 with a warning).
 */
export function binaryRecall(confusion: BinaryConfusion): number {
  checkConfusion('binaryRecall', confusion);
  return confusion.tp / (confusion.tp + confusion.fn);
}

/**
 * Precision (positive predictive value) of class 1: `tp / (tp + fp)`.
 *
 * Zero division: `NaN` when nothing is predicted positive (scikit-learn returns 0 with a warning).
 */
export function binaryPrecision(confusion: BinaryConfusion): number {
  checkConfusion('binaryPrecision', confusion);
  return confusion.tp / (confusion.tp + confusion.fp);
}

/**
 * Balanced accuracy of a binary classifier: the mean of the recalls of the classes present,
 * `(tp/(tp+fn) + tn/(tn+fp)) / 2` when both labels occur.
 *
 * Zero division: a class without samples is skipped, as in the multi-class `balancedAccuracy` and scikit-learn's
 * `balanced_accuracy_score` (with only positives present the result is the recall); `NaN` for an all-zero confusion.
 */
export function binaryBalancedAccuracy(confusion: BinaryConfusion): number {
  checkConfusion('binaryBalancedAccuracy', confusion);
  const { tp, fp, tn, fn } = confusion;
  const rates: number[] = [];
  if (tp + fn > 0) rates.push(tp / (tp + fn));
  if (tn + fp > 0) rates.push(tn / (tn + fp));
  return rates.length === 0 ? Number.NaN : rates.reduce((a, b) => a + b, 0) / rates.length;
}
