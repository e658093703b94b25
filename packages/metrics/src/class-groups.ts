import { MetricArgumentError } from './errors.js';
import { checkIntegerOption, checkNumberOption, requireArray, requireNonEmpty } from './validation.js';

/**
 * A partition of the classes into named groups (e.g. many / medium / few shot), given explicitly by the caller or
 * built by {@link shotGroups} / {@link indexThirds}.
 *
 * - `groups`: the group names, in report order, without duplicates. Every name is a key of the per-group results,
 *   even when no class of the test set falls in it (the value is then `NaN`).
 * - `classGroups`: the group of each class, length `numClasses`; `classGroups[c]` must be one of `groups`.
 */
export interface ClassGrouping<G extends string = string> {
  /** Group names in report order, no duplicates. */
  readonly groups: readonly G[];
  /** Group of each class, length `numClasses`. */
  readonly classGroups: readonly G[];
}

/** The many / medium / few-shot split of long-tailed recognition (ImageNet-LT, OLTR). */
export type ShotGroup = 'many' | 'medium' | 'few';

/** Index thirds: head / mid / tail by class index (for class lists ordered from most to least frequent). */
export type IndexThird = 'head' | 'mid' | 'tail';

/** Options of {@link shotGroups}. */
export interface ShotGroupOptions {
  /** A class with more than this many training samples is `many`. Default 100. */
  readonly manyAbove?: number;
  /** A class with fewer than this many training samples is `few`. Default 20. Must be `≤ manyAbove`. */
  readonly fewBelow?: number;
}

/**
 * Many / medium / few-shot groups from per-class training counts: `many` when `n_c > manyAbove` (default 100),
 * `few` when `n_c < fewBelow` (default 20), otherwise `medium` (20–100 inclusive with the defaults).
 *
 * Convention: the thresholds of the OLTR paper (Liu et al., "Large-scale long-tailed recognition in an open world",
 * CVPR 2019: "over 100", "20∼100", "under 20") and of the `shot_acc` vendored in the weight-balancing code
 * (`ShadeAlsha/LTR-weight-balancing`, `utils/eval_funcs.py`). The original OLTR `shot_acc` (commit 01e52ed) uses
 * `n ≥ 100` and `n ≤ 20` instead; for integer counts pass `{ manyAbove: 99, fewBelow: 21 }` to reproduce it.
 *
 * @param trainCounts training samples per class (finite, ≥ 0), one entry per class.
 * @returns the grouping with `groups = ['many', 'medium', 'few']`.
 * @throws MetricArgumentError for an empty or invalid count list or inconsistent thresholds.
 */
export function shotGroups(trainCounts: ArrayLike<number>, options: ShotGroupOptions = {}): ClassGrouping<ShotGroup> {
  const metric = 'shotGroups';
  const manyAbove = checkNumberOption(metric, 'options.manyAbove', options.manyAbove ?? 100, 0, Number.MAX_VALUE);
  const fewBelow = checkNumberOption(metric, 'options.fewBelow', options.fewBelow ?? 20, 0, manyAbove);
  requireArray(metric, 'trainCounts', trainCounts);
  requireNonEmpty(metric, 'trainCounts', trainCounts.length);
  const classGroups: ShotGroup[] = [];
  for (let c = 0; c < trainCounts.length; c += 1) {
    const n = trainCounts[c];
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
      throw new MetricArgumentError(metric, 'trainCounts', `is ${String(n)}, expected a finite count >= 0`, c);
    }
    classGroups.push(n > manyAbove ? 'many' : n < fewBelow ? 'few' : 'medium');
  }
  return { groups: ['many', 'medium', 'few'], classGroups };
}

/**
 * Head / mid / tail thirds by class index: the first `⌊C/3⌋` classes are `head`, the last `⌊C/3⌋` are `tail`, the
 * rest (`C − 2⌊C/3⌋`, so the middle takes the remainder) are `mid`. For 10 classes: head 0–2, mid 3–6, tail 7–9 —
 * the Fashion-MNIST-LT convention of this project; for 100 classes 33 / 34 / 33. Meaningful only when classes are
 * ordered from most to least frequent, as in the exponential long-tailed profiles.
 *
 * @param numClasses `C ≥ 3`.
 * @returns the grouping with `groups = ['head', 'mid', 'tail']`.
 */
export function indexThirds(numClasses: number): ClassGrouping<IndexThird> {
  const c = checkIntegerOption('indexThirds', 'numClasses', numClasses, 3);
  const third = Math.floor(c / 3);
  const classGroups = Array.from({ length: c }, (_, i): IndexThird => (i < third ? 'head' : i >= c - third ? 'tail' : 'mid'));
  return { groups: ['head', 'mid', 'tail'], classGroups };
}

/**
 * Checks a grouping against `numClasses` and returns, per class, the index of its group in `grouping.groups`
 * (internal).
 */
export function groupIndexOfClass<G extends string>(metric: string, grouping: ClassGrouping<G>, numClasses: number): Int32Array {
  if (grouping === null || typeof grouping !== 'object') throw new MetricArgumentError(metric, 'grouping', 'is required');
  for (const key of ['groups', 'classGroups'] as const) {
    if (!Array.isArray(grouping[key])) throw new MetricArgumentError(metric, `grouping.${key}`, 'must be an array of group names');
  }
  const position = new Map<string, number>();
  grouping.groups.forEach((g, i) => {
    if (typeof g !== 'string') throw new MetricArgumentError(metric, 'grouping.groups', `is ${String(g)}, expected a group name`, i);
    if (position.has(g)) throw new MetricArgumentError(metric, 'grouping.groups', `repeats the group '${g}'`, i);
    position.set(g, i);
  });
  if (grouping.classGroups.length !== numClasses) {
    throw new MetricArgumentError(
      metric,
      'grouping.classGroups',
      `has ${grouping.classGroups.length} entries, expected one per class (numClasses = ${numClasses})`,
    );
  }
  const out = new Int32Array(numClasses);
  for (let c = 0; c < numClasses; c += 1) {
    const g = grouping.classGroups[c];
    const at = g === undefined ? undefined : position.get(g);
    if (at === undefined) {
      throw new MetricArgumentError(
        metric,
        'grouping.classGroups',
        `is '${String(g)}' (class ${c}), expected one of ${grouping.groups.map((n) => `'${n}'`).join(', ')}`,
        c,
      );
    }
    out[c] = at;
  }
  return out;
}
