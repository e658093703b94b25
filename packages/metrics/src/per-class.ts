import { countConfusion, type MulticlassPredictions } from './confusion-matrix.js';
import { resolveMulticlass } from './validation.js';

/** Per-class true positives, false positives and false negatives from a flat confusion matrix (internal). */
export function classCounts(confusion: Float64Array, numClasses: number): { tp: Float64Array; fp: Float64Array; fn: Float64Array } {
  const tp = new Float64Array(numClasses);
  const fp = new Float64Array(numClasses);
  const fn = new Float64Array(numClasses);
  for (let i = 0; i < numClasses; i += 1) {
    for (let j = 0; j < numClasses; j += 1) {
      const n = confusion[i * numClasses + j] ?? 0;
      if (i === j) tp[i] = n;
      else {
        fn[i] = (fn[i] ?? 0) + n;
        fp[j] = (fp[j] ?? 0) + n;
      }
    }
  }
  return { tp, fp, fn };
}

function countsOf(metric: string, targets: ArrayLike<number>, predictions: MulticlassPredictions, numClasses: number) {
  const r = resolveMulticlass(metric, targets, predictions, numClasses);
  return classCounts(countConfusion(r.targets, r.predicted, r.numClasses), r.numClasses);
}

/**
 * Per-class accuracy, i.e. per-class recall: for each class `c`, `TP_c / (TP_c + FN_c)` — the fraction of the
 * samples of class `c` that are predicted as `c` (the diagonal of the row-normalised confusion matrix, as in the
 * `shot_acc` evaluation code of OLTR / long-tailed recognition).
 *
 * Zero division: a class absent from `targets` gets `NaN` (its recall is undefined), so that averages can skip it
 * explicitly rather than count it as 0.
 *
 * @param targets true class ids, length `N ≥ 1`.
 * @param predictions `N` class ids or `N·C` row-major scores (arg-max, ties to the lowest index).
 * @param numClasses `C ≥ 2`.
 * @returns `C` numbers in `[0, 1]` or `NaN`.
 * @see scikit-learn `recall_score(average=None)` (which returns 0 with a warning where this returns `NaN`).
 */
export function perClassAccuracy(targets: ArrayLike<number>, predictions: MulticlassPredictions, numClasses: number): number[] {
  const { tp, fn } = countsOf('perClassAccuracy', targets, predictions, numClasses);
  return Array.from(tp, (t, c) => t / (t + (fn[c] ?? 0)));
}

/**
 * Per-class precision: `TP_c / (TP_c + FP_c)`, the fraction of the samples predicted as `c` that truly are `c`.
 *
 * Zero division: a class that is never predicted gets `NaN`.
 *
 * @param targets true class ids, length `N ≥ 1`.
 * @param predictions `N` class ids or `N·C` row-major scores (arg-max, ties to the lowest index).
 * @param numClasses `C ≥ 2`.
 * @returns `C` numbers in `[0, 1]` or `NaN`.
 * @see scikit-learn `precision_score(average=None)` (which returns 0 with a warning where this returns `NaN`).
 */
export function perClassPrecision(targets: ArrayLike<number>, predictions: MulticlassPredictions, numClasses: number): number[] {
  const { tp, fp } = countsOf('perClassPrecision', targets, predictions, numClasses);
  return Array.from(tp, (t, c) => t / (t + (fp[c] ?? 0)));
}

/**
 * Per-class F1 score: `F1_c = 2·TP_c / (2·TP_c + FP_c + FN_c)`, the harmonic mean of per-class precision and recall
 * written so that it stays defined (= 0) when only one of them is (the form current scikit-learn documents).
 *
 * Zero division: a class absent from both targets and predictions (`TP = FP = FN = 0`) gets `NaN`.
 *
 * @param targets true class ids, length `N ≥ 1`.
 * @param predictions `N` class ids or `N·C` row-major scores (arg-max, ties to the lowest index).
 * @param numClasses `C ≥ 2`.
 * @returns `C` numbers in `[0, 1]` or `NaN`.
 * @see scikit-learn `f1_score(average=None)`.
 */
export function perClassF1(targets: ArrayLike<number>, predictions: MulticlassPredictions, numClasses: number): number[] {
  const { tp, fp, fn } = countsOf('perClassF1', targets, predictions, numClasses);
  return Array.from(tp, (t, c) => (2 * t) / (2 * t + (fp[c] ?? 0) + (fn[c] ?? 0)));
}
