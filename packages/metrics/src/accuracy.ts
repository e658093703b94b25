import type { MulticlassPredictions } from './confusion-matrix.js';
import { checkIntegerOption, checkNumClasses, checkRowMajor, requireArray, requireNonEmpty, resolveMulticlass, toClassIds, toFiniteScores } from './validation.js';

/**
 * Top-1 accuracy: the fraction of samples whose predicted class equals the true class,
 * `(1/N) Σ_i [ŷ_i = y_i]`. Over a class-imbalanced test set this is dominated by the frequent classes; see
 * `balancedAccuracy` for the class-averaged form.
 *
 * @param targets true class ids, length `N ≥ 1`, integers in `[0, numClasses)`.
 * @param predictions `N` predicted class ids or `N·C` row-major scores, arg-max with ties to the lowest class index
 *   (see {@link MulticlassPredictions}).
 * @param numClasses number of classes `C ≥ 2`.
 * @returns a number in `[0, 1]`.
 * @throws MetricArgumentError for invalid ids, non-finite scores or mismatched lengths.
 * @see scikit-learn `accuracy_score`.
 */
export function accuracy(targets: ArrayLike<number>, predictions: MulticlassPredictions, numClasses: number): number {
  const r = resolveMulticlass('accuracy', targets, predictions, numClasses);
  let correct = 0;
  for (let i = 0; i < r.targets.length; i += 1) if (r.targets[i] === r.predicted[i]) correct += 1;
  return correct / r.targets.length;
}

/**
 * Top-k accuracy: the fraction of samples whose true class is among the `k` highest-scoring classes.
 *
 * Ties: classes are ranked by score descending and, among equal scores, by class index ascending — the same rule as
 * the arg-max of `accuracy` — so the true class `y` of a sample is a hit when
 * `#{c : s_c > s_y} + #{c < y : s_c = s_y} < k`. With `k = 1` this equals `accuracy` on the same scores. (PyTorch's
 * `topk`-based reference code leaves the order of tied scores unspecified.)
 *
 * @param targets true class ids, length `N ≥ 1`.
 * @param scores `[N][C]` scores flattened row-major (`N·C` finite numbers).
 * @param numClasses `C ≥ 2`.
 * @param k number of top classes that count as a hit, integer in `[1, C]`.
 * @returns a number in `[0, 1]`; `k = C` gives 1.
 * @throws MetricArgumentError for invalid ids, non-finite scores, mismatched lengths or `k` out of range.
 */
export function topKAccuracy(targets: ArrayLike<number>, scores: ArrayLike<number>, numClasses: number, k: number): number {
  const metric = 'topKAccuracy';
  const c = checkNumClasses(metric, numClasses);
  const kk = checkIntegerOption(metric, 'k', k, 1, c);
  const t = toClassIds(metric, 'targets', targets, c);
  requireNonEmpty(metric, 'targets', t.length);
  requireArray(metric, 'scores', scores);
  checkRowMajor(metric, 'scores', scores, t.length, c);
  const s = toFiniteScores(metric, 'scores', scores, c);
  let hits = 0;
  for (let i = 0; i < t.length; i += 1) {
    const y = t[i] ?? 0;
    const base = i * c;
    const sy = s[base + y] ?? 0;
    let rank = 0;
    for (let j = 0; j < c && rank < kk; j += 1) {
      const sj = s[base + j] ?? 0;
      if (sj > sy || (sj === sy && j < y)) rank += 1;
    }
    if (rank < kk) hits += 1;
  }
  return hits / t.length;
}
