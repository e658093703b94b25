import { countConfusion, type MulticlassPredictions } from './confusion-matrix.js';
import { classCounts } from './per-class.js';
import { resolveMulticlass } from './validation.js';

/** Options of {@link balancedAccuracy}. */
export interface BalancedAccuracyOptions {
  /**
   * Rescale for chance, `(B − 1/K) / (1 − 1/K)` with `K` the number of classes present in `targets`, so that a
   * constant or random classifier scores 0 and a perfect one 1 (scikit-learn's `adjusted=True`). Default `false`.
   */
  readonly adjusted?: boolean;
}

/**
 * Balanced accuracy: the mean of per-class recall over the classes present in `targets`,
 * `B = (1/K) Σ_{c : n_c > 0} TP_c / n_c`, with `n_c` the number of samples of class `c` and `K` the number of such
 * classes. Equals top-1 accuracy when the test set is balanced.
 *
 * Conventions: classes absent from `targets` are skipped (their recall is undefined) — including classes that are
 * predicted but never true, exactly like scikit-learn, which drops them with the warning "y_pred contains classes not
 * in y_true". With `adjusted` and only one class present the chance level is 1 and the result is `NaN`.
 *
 * @param targets true class ids, length `N ≥ 1`.
 * @param predictions `N` class ids or `N·C` row-major scores (arg-max, ties to the lowest index).
 * @param numClasses `C ≥ 2`.
 * @returns a number in `[0, 1]` (adjusted: `≤ 1`, negative below chance).
 * @see scikit-learn `balanced_accuracy_score`; Brodersen et al., "The balanced accuracy and its posterior
 *   distribution", ICPR 2010.
 */
export function balancedAccuracy(
  targets: ArrayLike<number>,
  predictions: MulticlassPredictions,
  numClasses: number,
  options: BalancedAccuracyOptions = {},
): number {
  const r = resolveMulticlass('balancedAccuracy', targets, predictions, numClasses);
  const { tp, fn } = classCounts(countConfusion(r.targets, r.predicted, r.numClasses), r.numClasses);
  let sum = 0;
  let present = 0;
  for (let c = 0; c < r.numClasses; c += 1) {
    const support = (tp[c] ?? 0) + (fn[c] ?? 0);
    if (support > 0) {
      sum += (tp[c] ?? 0) / support;
      present += 1;
    }
  }
  const score = sum / present;
  if (options.adjusted !== true) return score;
  if (present < 2) return Number.NaN;
  const chance = 1 / present;
  return (score - chance) / (1 - chance);
}
