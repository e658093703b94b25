import { MetricArgumentError } from './errors.js';
import { argmaxRows, checkNumClasses, requireArray, requireNonEmpty, resolveMulticlass, toFiniteScores } from './validation.js';

/**
 * Multi-class predictions as accepted by every multi-class metric here: either `N` predicted class ids, or `N·C`
 * scores / probabilities of an `[N][C]` array flattened row-major (sample `i`, class `c` at `i·C + c`), reduced to
 * class ids by arg-max with ties going to the lowest class index (`numpy.argmax`). Which form was given is read from
 * the length (`N` or `N·C`), never from the values. Typed arrays (e.g. a tfjs `dataSync()`) work as they are.
 */
export type MulticlassPredictions = ArrayLike<number>;

/**
 * Counts of a multi-class classifier: `matrix[i][j]` is the number of samples whose true class is `i` and predicted
 * class is `j` (rows = truth, columns = prediction — scikit-learn's `confusion_matrix` convention). The matrix is
 * always `numClasses × numClasses`, including classes absent from both targets and predictions (all-zero row and
 * column).
 *
 * @param targets true class ids, length `N ≥ 1`, integers in `[0, numClasses)`.
 * @param predictions `N` predicted class ids or `N·C` row-major scores (see {@link MulticlassPredictions}).
 * @param numClasses number of classes `C ≥ 2`.
 * @returns a fresh `C × C` array of counts.
 * @throws MetricArgumentError for a class id out of range, non-finite scores, or a length that is neither `N` nor `N·C`.
 * @see scikit-learn `sklearn.metrics.confusion_matrix` (same layout; here the labels are always `0..C-1`).
 */
export function confusionMatrix(targets: ArrayLike<number>, predictions: MulticlassPredictions, numClasses: number): number[][] {
  const r = resolveMulticlass('confusionMatrix', targets, predictions, numClasses);
  const flat = countConfusion(r.targets, r.predicted, r.numClasses);
  return Array.from({ length: r.numClasses }, (_, i) => Array.from(flat.subarray(i * r.numClasses, (i + 1) * r.numClasses)));
}

/** Flat row-major `C × C` confusion counts (internal; inputs already validated). */
export function countConfusion(targets: Int32Array, predicted: Int32Array, numClasses: number): Float64Array {
  const counts = new Float64Array(numClasses * numClasses);
  for (let i = 0; i < targets.length; i += 1) {
    const at = (targets[i] ?? 0) * numClasses + (predicted[i] ?? 0);
    counts[at] = (counts[at] ?? 0) + 1;
  }
  return counts;
}

/**
 * Arg-max class of each row of `[N][C]` scores flattened row-major; ties go to the lowest class index (the rule of
 * `numpy.argmax` and `torch.argmax`).
 *
 * @param scores `N·C` finite numbers (logits, probabilities or any scores), `N ≥ 1`.
 * @param numClasses `C ≥ 2`.
 * @returns `N` class ids.
 * @throws MetricArgumentError for non-finite scores or a length that is not a positive multiple of `numClasses`.
 */
export function predictedClasses(scores: ArrayLike<number>, numClasses: number): number[] {
  const c = checkNumClasses('predictedClasses', numClasses);
  requireArray('predictedClasses', 'scores', scores);
  requireNonEmpty('predictedClasses', 'scores', scores.length);
  if (scores.length % c !== 0) {
    throw new MetricArgumentError('predictedClasses', 'scores', `has ${scores.length} values, not a multiple of numClasses = ${c} ([N][C] row-major)`);
  }
  return Array.from(argmaxRows(toFiniteScores('predictedClasses', 'scores', scores, c), c));
}
