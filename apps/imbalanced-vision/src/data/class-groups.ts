import { ConfigError } from '@counterweight/runtime';

/**
 * How classes are split into frequency groups:
 * - `shot-count`: many-shot > 100 training images, medium-shot 20–100 (inclusive), few-shot < 20 — the OLTR /
 *   ImageNet-LT convention, also used by Weight Balancing's `shot_acc`.
 * - `rank-thirds`: by rank in the class order (most images first): head = the first ⌊C/3⌋ classes, tail = the last
 *   ⌊C/3⌋, mid = the rest. For C = 10 this is head 0–2, mid 3–6, tail 7–9: the Fashion-MNIST-LT convention of
 *   `shared/research/papers-vision.md` §14 (index-based thirds, as CIFAR-LT papers also use).
 */
export type GroupingRule = 'shot-count' | 'rank-thirds';

/** The many-shot rule's bound: classes with more than this many training images are many-shot. */
export const MANY_SHOT_ABOVE = 100;
/** The few-shot rule's bound: classes with fewer than this many training images are few-shot. */
export const FEW_SHOT_BELOW = 20;

/** One group of classes. */
export interface ClassGroup {
  /** `many`, `medium`, `few` (shot-count) or `head`, `mid`, `tail` (rank-thirds). */
  readonly name: string;
  /** Class ids in the group, most training images first (empty when no class qualifies). */
  readonly classes: readonly number[];
}

/** A partition of the classes into three groups by one {@link GroupingRule}, with a sentence a report can quote. */
export interface ClassGrouping {
  readonly rule: GroupingRule;
  /** States the rule and its thresholds or rank ranges, e.g. for a report's method section. */
  readonly description: string;
  readonly groups: readonly [ClassGroup, ClassGroup, ClassGroup];
}

function checkInputs(trainCounts: readonly number[], classOrder: readonly number[]): void {
  const C = trainCounts.length;
  if (classOrder.length !== C || new Set(classOrder).size !== C || classOrder.some((c) => !Number.isInteger(c) || c < 0 || c >= C)) {
    throw new ConfigError('classOrder', `must be a permutation of the ${C} class ids, got [${classOrder.join(', ')}]`);
  }
  trainCounts.forEach((n, c) => {
    if (!Number.isInteger(n) || n < 0) throw new ConfigError(`trainCounts[${c}]`, `must be a non-negative integer, got ${n}`);
  });
}

function rankRange(from: number, to: number): string {
  if (to < from) return 'none';
  return from === to ? `rank ${from}` : `ranks ${from}–${to}`;
}

/**
 * Groups classes by their number of training images (`shot-count` rule, see {@link GroupingRule}).
 * @param trainCounts training images per class id.
 * @param classOrder class ids from most to fewest images (ties in the given order); lists each group in this order.
 */
export function shotCountGrouping(trainCounts: readonly number[], classOrder: readonly number[]): ClassGrouping {
  checkInputs(trainCounts, classOrder);
  const count = (c: number): number => trainCounts[c] as number;
  return {
    rule: 'shot-count',
    description:
      `many-shot: classes with more than ${MANY_SHOT_ABOVE} training images; medium-shot: ${FEW_SHOT_BELOW}–${MANY_SHOT_ABOVE}; ` +
      `few-shot: fewer than ${FEW_SHOT_BELOW} (the OLTR / ImageNet-LT convention)`,
    groups: [
      { name: 'many', classes: classOrder.filter((c) => count(c) > MANY_SHOT_ABOVE) },
      { name: 'medium', classes: classOrder.filter((c) => count(c) >= FEW_SHOT_BELOW && count(c) <= MANY_SHOT_ABOVE) },
      { name: 'few', classes: classOrder.filter((c) => count(c) < FEW_SHOT_BELOW) },
    ],
  };
}

/**
 * Groups classes by rank in `classOrder` (`rank-thirds` rule, see {@link GroupingRule}): head = first ⌊C/3⌋,
 * tail = last ⌊C/3⌋, mid = the rest.
 * @param classOrder class ids from head (most training images) to tail.
 */
export function rankThirdsGrouping(classOrder: readonly number[]): ClassGrouping {
  const C = classOrder.length;
  checkInputs(new Array<number>(C).fill(0), classOrder);
  const third = Math.floor(C / 3);
  return {
    rule: 'rank-thirds',
    description:
      `head: the ${third} classes with the most training images (${rankRange(0, third - 1)}), ` +
      `mid: ${rankRange(third, C - third - 1)}, tail: the ${third} with the fewest (${rankRange(C - third, C - 1)}); ` +
      `ranks count from 0 in the long-tail class order (the Fashion-MNIST-LT convention)`,
    groups: [
      { name: 'head', classes: classOrder.slice(0, third) },
      { name: 'mid', classes: classOrder.slice(third, C - third) },
      { name: 'tail', classes: classOrder.slice(C - third) },
    ],
  };
}

/** Both groupings of a class distribution, keyed by rule. */
export function classGroupings(trainCounts: readonly number[], classOrder: readonly number[]): Readonly<Record<GroupingRule, ClassGrouping>> {
  return { 'shot-count': shotCountGrouping(trainCounts, classOrder), 'rank-thirds': rankThirdsGrouping(classOrder) };
}
