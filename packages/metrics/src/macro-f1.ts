import { countConfusion, type MulticlassPredictions } from './confusion-matrix.js';
import { MetricArgumentError } from './errors.js';
import { classCounts } from './per-class.js';
import { checkNumberOption, resolveMulticlass } from './validation.js';

/** Options of {@link macroF1}. */
export interface MacroF1Options {
  /**
   * What a class absent from both targets and predictions (`TP = FP = FN = 0`, F1 = 0/0) contributes:
   * - `'exclude'` (default): it is left out of the mean — scikit-learn's `f1_score(average='macro')` with
   *   `labels=None`, which averages over the classes seen in `y_true ∪ y_pred`;
   * - a number in `[0, 1]` (usually 0 or 1): it counts as that F1 — scikit-learn with `labels=range(C)` and
   *   `zero_division=0` / `1`.
   */
  readonly zeroDivision?: 'exclude' | number;
}

/**
 * Macro-averaged F1: the unweighted mean over classes of `F1_c = 2·TP_c / (2·TP_c + FP_c + FN_c)`.
 *
 * Zero division: a class present in the targets but never predicted, or predicted but never true, has a defined
 * F1 of 0 (current scikit-learn computes F1 in this form; earlier versions also gave 0, with a warning). Only a class
 * absent from both is 0/0; `options.zeroDivision` decides (default: excluded from the mean).
 *
 * @param targets true class ids, length `N ≥ 1`.
 * @param predictions `N` class ids or `N·C` row-major scores (arg-max, ties to the lowest index).
 * @param numClasses `C ≥ 2`.
 * @returns a number in `[0, 1]`.
 * @see scikit-learn `f1_score(average='macro')`.
 */
export function macroF1(
  targets: ArrayLike<number>,
  predictions: MulticlassPredictions,
  numClasses: number,
  options: MacroF1Options = {},
): number {
  const metric = 'macroF1';
  const zero = options.zeroDivision ?? 'exclude';
  if (typeof zero !== 'number' && zero !== 'exclude') {
    throw new MetricArgumentError(metric, 'options.zeroDivision', `must be 'exclude' or a number in [0, 1], got ${String(zero)}`);
  }
  const zeroValue = zero === 'exclude' ? undefined : checkNumberOption(metric, 'options.zeroDivision', zero, 0, 1);
  const r = resolveMulticlass(metric, targets, predictions, numClasses);
  const { tp, fp, fn } = classCounts(countConfusion(r.targets, r.predicted, r.numClasses), r.numClasses);
  let sum = 0;
  let counted = 0;
  for (let c = 0; c < r.numClasses; c += 1) {
    const denominator = 2 * (tp[c] ?? 0) + (fp[c] ?? 0) + (fn[c] ?? 0);
    if (denominator > 0) {
      sum += (2 * (tp[c] ?? 0)) / denominator;
      counted += 1;
    } else if (zeroValue !== undefined) {
      sum += zeroValue;
      counted += 1;
    }
  }
  return sum / counted;
}
