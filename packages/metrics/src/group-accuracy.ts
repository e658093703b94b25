import type { ClassGrouping } from './class-groups.js';
import { groupIndexOfClass } from './class-groups.js';
import { countConfusion, type MulticlassPredictions } from './confusion-matrix.js';
import { classCounts } from './per-class.js';
import { resolveMulticlass } from './validation.js';

/**
 * Group accuracy (many / medium / few shot, head / mid / tail, or any caller-given grouping): for each group `g`, the
 * mean of per-class accuracy (recall) over the classes of `g` present in `targets`,
 * `acc_g = (1/|P_g|) Σ_{c ∈ P_g} TP_c / n_c`, `P_g = {c ∈ g : n_c > 0}`.
 *
 * Conventions (those of OLTR's `shot_acc`): a mean of per-class accuracies, not a pooled accuracy over the group's
 * samples; classes absent from the test set are skipped; a group with no class in the test set gets `NaN` (OLTR's
 * `np.mean([])`; the weight-balancing copy of `shot_acc` reports 0 instead).
 *
 * @param targets true class ids, length `N ≥ 1`.
 * @param predictions `N` class ids or `N·C` row-major scores (arg-max, ties to the lowest index).
 * @param numClasses `C ≥ 2`.
 * @param grouping group names and the group of every class (see {@link ClassGrouping}, `shotGroups`, `indexThirds`).
 * @returns one entry per name in `grouping.groups`, in that order.
 * @throws MetricArgumentError for invalid inputs or a grouping that does not cover exactly `numClasses` classes.
 */
export function groupAccuracy<G extends string>(
  targets: ArrayLike<number>,
  predictions: MulticlassPredictions,
  numClasses: number,
  grouping: ClassGrouping<G>,
): Record<G, number> {
  const metric = 'groupAccuracy';
  const r = resolveMulticlass(metric, targets, predictions, numClasses);
  const groupOf = groupIndexOfClass(metric, grouping, r.numClasses);
  const { tp, fn } = classCounts(countConfusion(r.targets, r.predicted, r.numClasses), r.numClasses);
  const sums = new Float64Array(grouping.groups.length);
  const counts = new Float64Array(grouping.groups.length);
  for (let c = 0; c < r.numClasses; c += 1) {
    const support = (tp[c] ?? 0) + (fn[c] ?? 0);
    if (support === 0) continue;
    const g = groupOf[c] ?? 0;
    sums[g] = (sums[g] ?? 0) + (tp[c] ?? 0) / support;
    counts[g] = (counts[g] ?? 0) + 1;
  }
  const out = {} as Record<G, number>;
  grouping.groups.forEach((name, g) => {
    out[name] = (sums[g] ?? 0) / (counts[g] ?? 0);
  });
  return out;
}
