import { resolveBinary } from './validation.js';

/**
 * Area under the ROC curve of a binary scorer, computed as the Mann–Whitney U statistic with mid-ranks:
 * rank all `N` scores ascending, give tied scores the mean of the ranks they span, sum the ranks `R₊` of the `P`
 * positives, and return `AUC = (R₊ − P(P+1)/2) / (P·Q)` with `Q` the number of negatives. This equals the probability
 * that a random positive scores above a random negative, ties counting one half, and the trapezoidal area under the
 * ROC curve (scikit-learn's `roc_auc_score`).
 *
 * Zero division: `NaN` when `targets` has no positive or no negative (scikit-learn raises instead).
 *
 * @param targets labels, each 0 or 1, length `N ≥ 1`.
 * @param scores finite scores, higher meaning more likely positive (probabilities, logits — any monotone transform
 *   gives the same AUC), length `N`.
 * @returns a number in `[0, 1]`, or `NaN`.
 * @see Hanley & McNeil, "The meaning and use of the area under a ROC curve", Radiology 1982; Mann & Whitney, 1947.
 */
export function binaryAuc(targets: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { targets: t, values: s } = resolveBinary('binaryAuc', targets, scores, 'scores', 'scores');
  const order = new Uint32Array(t.length);
  for (let i = 0; i < order.length; i += 1) order[i] = i;
  order.sort((a, b) => (s[a] ?? 0) - (s[b] ?? 0));
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < order.length; ) {
    const value = s[order[start] ?? 0];
    let end = start;
    while (end + 1 < order.length && s[order[end + 1] ?? 0] === value) end += 1;
    const midRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k += 1) {
      if (t[order[k] ?? 0] === 1) {
        positives += 1;
        rankSum += midRank;
      }
    }
    start = end + 1;
  }
  const negatives = t.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
