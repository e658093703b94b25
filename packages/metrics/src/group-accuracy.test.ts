import { describe, expect, it } from 'vitest';

import { balancedAccuracy } from './balanced-accuracy.js';
import { shotGroups, type ClassGrouping } from './class-groups.js';
import { groupAccuracy } from './group-accuracy.js';
import { randomInt, seededRandom } from './test-support/random.js';

/**
 * Independent reference: a line-by-line port of OLTR's `shot_acc` (zhmiao/OpenLongTailRecognition-OLTR utils.py, with
 * the > / < thresholds of the weight-balancing copy): loop over the unique test labels, per-class accuracy, mean per
 * group, `NaN` for an empty group (`np.mean([])`).
 */
function shotAcc(preds: number[], labels: number[], trainCounts: number[]): [number, number, number] {
  const many: number[] = [];
  const median: number[] = [];
  const low: number[] = [];
  for (const l of [...new Set(labels)].sort((a, b) => a - b)) {
    const idx = labels.map((y, i) => (y === l ? i : -1)).filter((i) => i >= 0);
    const acc = idx.filter((i) => preds[i] === l).length / idx.length;
    const n = trainCounts[l] ?? 0;
    if (n > 100) many.push(acc);
    else if (n < 20) low.push(acc);
    else median.push(acc);
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  return [mean(many), mean(median), mean(low)];
}

describe('groupAccuracy', () => {
  it('averages per-class accuracies, not samples', () => {
    // Class 0: 3 samples, 2 correct (2/3); class 1: 1 sample, wrong (0); both 'a'. Pooled would be 2/4.
    const grouping: ClassGrouping<'a' | 'b'> = { groups: ['a', 'b'], classGroups: ['a', 'a', 'b'] };
    const r = groupAccuracy([0, 0, 0, 1, 2], [0, 0, 1, 0, 2], 3, grouping);
    expect(r.a).toBeCloseTo(1 / 3, 15);
    expect(r.b).toBe(1);
    expect(Object.keys(r)).toEqual(['a', 'b']);
  });

  it("skips classes absent from the test set and gives NaN to a group with none of its classes present", () => {
    const grouping: ClassGrouping<'a' | 'b' | 'c'> = { groups: ['a', 'b', 'c'], classGroups: ['a', 'b', 'b', 'c'] };
    // Class 2 (group b) and class 3 (group c) never occur as targets.
    const r = groupAccuracy([0, 1, 1], [0, 1, 3], 4, grouping);
    expect(r).toEqual({ a: 1, b: 0.5, c: Number.NaN });
  });

  it("equals OLTR's shot_acc on random long-tailed data", () => {
    const rand = seededRandom(21);
    const c = 12;
    const trainCounts = Array.from({ length: c }, (_, i) => Math.floor(400 * 0.02 ** (i / (c - 1))));
    const labels = Array.from({ length: 600 }, () => randomInt(rand, c));
    const preds = labels.map((y) => (rand() < 0.6 ? y : randomInt(rand, c)));
    const r = groupAccuracy(labels, preds, c, shotGroups(trainCounts));
    const [many, medium, few] = shotAcc(preds, labels, trainCounts);
    expect(r.many).toBeCloseTo(many, 14);
    expect(r.medium).toBeCloseTo(medium, 14);
    expect(r.few).toBeCloseTo(few, 14);
  });

  it('with one group holding every class equals balanced accuracy', () => {
    const rand = seededRandom(4);
    const targets = Array.from({ length: 80 }, () => randomInt(rand, 5));
    const preds = Array.from({ length: 80 * 5 }, () => rand());
    const all: ClassGrouping<'all'> = { groups: ['all'], classGroups: ['all', 'all', 'all', 'all', 'all'] };
    expect(groupAccuracy(targets, preds, 5, all).all).toBeCloseTo(balancedAccuracy(targets, preds, 5), 15);
  });

  it('rejects a grouping that does not fit the classes', () => {
    const bad = { groups: ['a'], classGroups: ['a', 'a'] } as const;
    expect(() => groupAccuracy([0], [0], 3, bad)).toThrow(
      "groupAccuracy: argument 'grouping.classGroups' has 2 entries, expected one per class (numClasses = 3)",
    );
    expect(() => groupAccuracy([0], [0], 2, { groups: ['a'], classGroups: ['a', 'z'] as 'a'[] })).toThrow(
      "argument 'grouping.classGroups'[1] is 'z' (class 1), expected one of 'a'",
    );
    expect(() => groupAccuracy([0], [0], 2, { groups: ['a', 'a'], classGroups: ['a', 'a'] })).toThrow("repeats the group 'a'");
  });
});
