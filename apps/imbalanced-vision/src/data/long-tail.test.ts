import { ConfigError } from '@counterweight/runtime';
import { beforeAll, describe, expect, it } from 'vitest';

import { rankThirdsGrouping, shotCountGrouping } from './class-groups.js';
import type { IdxDataset } from './idx.js';
import { classCounts, imageSize } from './image-set.js';
import { longTailCounts, longTailSplit, type LongTailSplit } from './long-tail.js';
import { debianFashionMnist } from './test-support/fixtures.js';

// Reference counts computed outside this code base with Python, as in Cui et al.'s get_img_num_per_cls:
// [int(6000 * (1 / r) ** (i / 9)) for i in range(10)]
const FASHION_LT_10 = [6000, 4645, 3596, 2784, 2156, 1669, 1292, 1000, 774, 600];
const FASHION_LT_100 = [6000, 3596, 2156, 1292, 774, 464, 278, 166, 100, 60];

let fashion: IdxDataset;

beforeAll(async () => {
  fashion = await debianFashionMnist();
});

function isAscending(rows: Int32Array): boolean {
  for (let i = 1; i < rows.length; i += 1) if ((rows[i] as number) <= (rows[i - 1] as number)) return false;
  return true;
}

/** Every image of a part equals its source row and carries its (possibly renumbered) label. */
function expectRowsFromSource(part: LongTailSplit['train'], rows: Int32Array, source: IdxDataset['train'], toSource = (id: number) => id): void {
  const size = imageSize(source);
  expect(part.count).toBe(rows.length);
  for (let r = 0; r < rows.length; r += 1) {
    const row = rows[r] as number;
    expect(toSource(part.labels[r] as number)).toBe(source.labels[row]);
    // spot-check pixels of every 50th image byte for byte
    if (r % 50 === 0) {
      expect(Buffer.from(part.pixels.subarray(r * size, (r + 1) * size)).equals(Buffer.from(source.pixels.subarray(row * size, (row + 1) * size)))).toBe(true);
    }
  }
}

describe('longTailCounts', () => {
  it('follows floor(n_max · ρ^(-i/(C-1))) exactly', () => {
    expect(longTailCounts({ profile: 'exponential', imbalanceRatio: 10, nMax: 6000, numClasses: 10 })).toEqual(FASHION_LT_10);
    expect(longTailCounts({ profile: 'exponential', imbalanceRatio: 100, nMax: 6000, numClasses: 10 })).toEqual(FASHION_LT_100);
    // published CIFAR-LT sizes (Cui et al.; Cao et al.; the logit-adjustment code's 12,406)
    const total = (ratio: number, nMax: number, numClasses: number): number =>
      longTailCounts({ profile: 'exponential', imbalanceRatio: ratio, nMax, numClasses }).reduce((a, b) => a + b, 0);
    expect([total(10, 5000, 10), total(50, 5000, 10), total(100, 5000, 10), total(100, 500, 100)]).toEqual([20_431, 13_996, 12_406, 10_847]);
    expect(longTailCounts({ profile: 'exponential', imbalanceRatio: 1, nMax: 7, numClasses: 4 })).toEqual([7, 7, 7, 7]);
    expect(longTailCounts({ profile: 'exponential', imbalanceRatio: 100, nMax: 7, numClasses: 1 })).toEqual([7]);
  });

  it('step: half the classes n_max, half floor(n_max / ρ)', () => {
    expect(longTailCounts({ profile: 'step', imbalanceRatio: 10, nMax: 5000, numClasses: 10 })).toEqual([5000, 5000, 5000, 5000, 5000, 500, 500, 500, 500, 500]);
    expect(longTailCounts({ profile: 'step', imbalanceRatio: 3, nMax: 100, numClasses: 5 })).toEqual([100, 100, 100, 33, 33]);
  });

  it('rejects ρ < 1 and bad sizes', () => {
    for (const ratio of [0.5, 0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => longTailCounts({ profile: 'exponential', imbalanceRatio: ratio, nMax: 10, numClasses: 3 })).toThrow(ConfigError);
    }
    expect(() => longTailCounts({ profile: 'exponential', imbalanceRatio: 0.5, nMax: 10, numClasses: 3 })).toThrow(
      'imbalanceRatio: must be a finite number ≥ 1 (ρ = n_max / n_min), got 0.5',
    );
    expect(() => longTailCounts({ profile: 'exponential', imbalanceRatio: 2, nMax: 0, numClasses: 3 })).toThrow('nMax');
    expect(() => longTailCounts({ profile: 'linear' as 'step', imbalanceRatio: 2, nMax: 5, numClasses: 3 })).toThrow('profile');
  });
});

describe('longTailSplit on Fashion-MNIST', () => {
  it('ρ = 10 and ρ = 100 keep exactly the profile counts and a balanced 10,000-image test set', () => {
    for (const [ratio, expected] of [
      [10, FASHION_LT_10],
      [100, FASHION_LT_100],
    ] as const) {
      const split = longTailSplit(fashion.train, fashion.test, { imbalanceRatio: ratio, seed: 1 });
      expect(classCounts(split.train.labels, 10)).toEqual(expected);
      expect(split.metadata.trainCounts).toEqual(expected);
      expect(split.metadata.profileCounts).toEqual(expected);
      expect(split.train.count).toBe(expected.reduce((a, b) => a + b, 0));
      expect(split.metadata.trainImbalanceRatio).toBe(ratio);
      expect(split.metadata.nMax).toBe(6000);
      expect(split.test.count).toBe(10_000);
      expect(split.metadata.testCounts).toEqual(new Array(10).fill(1000));
      expect(split.validation).toBeUndefined();
      expect(split.train.classNames).toEqual(fashion.train.classNames);
      expect(isAscending(split.indices.train)).toBe(true);
      expectRowsFromSource(split.train, split.indices.train, fashion.train);
      expectRowsFromSource(split.test, split.indices.test, fashion.test);
    }
    expect(longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 100, seed: 1 }).train.count).toBe(14_886);
  });

  it('is a pure function of the seed, and a larger ρ keeps a subset of a smaller one', () => {
    const a = longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 100, seed: 7 });
    const b = longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 100, seed: 7 });
    const c = longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 100, seed: 8 });
    const wide = longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 10, seed: 7 });
    expect(Array.from(a.indices.train)).toEqual(Array.from(b.indices.train));
    expect(Array.from(a.indices.train)).not.toEqual(Array.from(c.indices.train));
    const kept = new Set(wide.indices.train);
    expect(Array.from(a.indices.train).every((row) => kept.has(row))).toBe(true);
  });

  it('states both groupings: >100 / 20–100 / <20 and head 0–2 / mid 3–6 / tail 7–9', () => {
    const { metadata } = longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 100, seed: 1 });
    expect(metadata.defaultGrouping).toBe('rank-thirds');
    const shots = metadata.groupings['shot-count'];
    expect(shots.rule).toBe('shot-count');
    // 6000 … 166 are > 100; 100 and 60 are medium; none below 20
    expect(shots.groups).toEqual([
      { name: 'many', classes: [0, 1, 2, 3, 4, 5, 6, 7] },
      { name: 'medium', classes: [8, 9] },
      { name: 'few', classes: [] },
    ]);
    expect(shots.description).toContain('more than 100');
    const thirds = metadata.groupings['rank-thirds'];
    expect(thirds.groups).toEqual([
      { name: 'head', classes: [0, 1, 2] },
      { name: 'mid', classes: [3, 4, 5, 6] },
      { name: 'tail', classes: [7, 8, 9] },
    ]);
    expect(thirds.description).toContain('(ranks 0–2), mid: ranks 3–6, tail: the 3 with the fewest (ranks 7–9)');
    expect(JSON.parse(JSON.stringify(metadata))).toEqual(metadata);

    // n_max = 1000: 1000 599 359 215 129 | 77 46 27 | 16 10
    const small = longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 100, seed: 1, nMax: 1000 }).metadata;
    expect(small.trainCounts).toEqual([1000, 599, 359, 215, 129, 77, 46, 27, 16, 10]);
    expect(small.groupings['shot-count'].groups.map((g) => g.classes)).toEqual([[0, 1, 2, 3, 4], [5, 6, 7], [8, 9]]);
  });

  it('follows a configurable class order', () => {
    const reversed = longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 100, seed: 1, classOrder: [9, 8, 7, 6, 5, 4, 3, 2, 1, 0] });
    expect(reversed.metadata.trainCounts).toEqual([...FASHION_LT_100].reverse());
    expect(reversed.metadata.classOrder).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(reversed.metadata.groupings['rank-thirds'].groups[0].classes).toEqual([9, 8, 7]);
    expect(reversed.metadata.groupings['shot-count'].groups[1].classes).toEqual([1, 0]);

    const shuffled = longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 100, seed: 3, classOrder: 'shuffled' });
    expect([...shuffled.metadata.classOrder].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(shuffled.metadata.classOrder).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    shuffled.metadata.classOrder.forEach((id, rank) => expect(shuffled.metadata.trainCounts[id]).toBe(FASHION_LT_100[rank]));
    expect(longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 100, seed: 3, classOrder: 'shuffled' }).metadata.classOrder).toEqual(
      shuffled.metadata.classOrder,
    );
  });

  it('uses a subset of classes, renumbered by source id', () => {
    const split = longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 10, seed: 1, classOrder: [7, 2, 5] });
    expect(split.metadata.sourceClassIds).toEqual([2, 5, 7]);
    expect(split.metadata.classNames).toEqual(['Pullover', 'Sandal', 'Sneaker']);
    // rank 0 = source 7 = id 2; ρ^(-1/2): floor(6000 / sqrt(10)) = 1897
    expect(split.metadata.classOrder).toEqual([2, 0, 1]);
    expect(split.metadata.trainCounts).toEqual([1897, 600, 6000]);
    expect(split.test.count).toBe(3000);
    expectRowsFromSource(split.train, split.indices.train, fashion.train, (id) => [2, 5, 7][id] as number);
    const firstFour = longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 10, seed: 1, numClasses: 4 });
    expect(firstFour.metadata.sourceClassIds).toEqual([0, 1, 2, 3]);
    expect(firstFour.metadata.trainCounts).toEqual([6000, 2784, 1292, 600]);
  });

  it('holds out k validation images per class, from the subset or from the remaining images', () => {
    const subset = longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 100, seed: 1, validationPerClass: 20 });
    expect(subset.metadata.trainCounts).toEqual(FASHION_LT_100.map((n) => n - 20));
    expect(subset.metadata.profileCounts).toEqual(FASHION_LT_100);
    expect(subset.metadata.validationCounts).toEqual(new Array(10).fill(20));
    expect(subset.metadata.validation).toEqual({ perClass: 20, from: 'subset' });
    const trainRows = new Set(subset.indices.train);
    expect(Array.from(subset.indices.validation).some((row) => trainRows.has(row))).toBe(false);
    const lt100 = new Set(longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 100, seed: 1 }).indices.train);
    expect(Array.from(subset.indices.validation).every((row) => lt100.has(row))).toBe(true);
    // the validation images do not depend on ρ
    const subset10 = longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 10, seed: 1, validationPerClass: 20 });
    expect(Array.from(subset10.indices.validation)).toEqual(Array.from(subset.indices.validation));
    expectRowsFromSource(subset.validation as LongTailSplit['train'], subset.indices.validation, fashion.train);

    // remaining: n_max defaults to 6000 - 20 so that every class has room for its validation images
    const remaining = longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 100, seed: 1, validationPerClass: 20, validationFrom: 'remaining' });
    expect(remaining.metadata.nMax).toBe(5980);
    expect(remaining.metadata.trainCounts).toEqual(longTailCounts({ profile: 'exponential', imbalanceRatio: 100, nMax: 5980, numClasses: 10 }));
    const sameTrain = longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 100, seed: 1, nMax: 5980 });
    expect(Array.from(remaining.indices.train)).toEqual(Array.from(sameTrain.indices.train));
    const remainingTrain = new Set(remaining.indices.train);
    expect(Array.from(remaining.indices.validation).some((row) => remainingTrain.has(row))).toBe(false);
    expect(remaining.metadata.validationCounts).toEqual(new Array(10).fill(20));
  });

  it('subsamples a balanced test set', () => {
    const split = longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 10, seed: 1, testPerClass: 100 });
    expect(split.metadata.testCounts).toEqual(new Array(10).fill(100));
    expectRowsFromSource(split.test, split.indices.test, fashion.test);
  });

  it('names the class that would end up empty, and rejects other impossible requests', () => {
    expect(() => longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 0.5, seed: 1 })).toThrow('imbalanceRatio: must be a finite number ≥ 1');
    // floor(100 · 1000^(-7/9)) = floor(0.46) = 0: class 7 is the first to end up empty
    expect(() => longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 1000, seed: 1, nMax: 100 })).toThrow(
      'class 7 ("Sneaker") (rank 7) would be empty: its count is 0 (n_max · ρ^(-7/9) = 100 · 1000^(-7/9), floored), leaving 0 training images',
    );
    expect(() => longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 1000, seed: 1, nMax: 100, profile: 'step' })).toThrow(
      'class 5 ("Sandal") (rank 5) would be empty: its count is 0 (n_max / ρ = 100 / 1000, floored)',
    );
    expect(() => longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 100, seed: 1, validationPerClass: 60 })).toThrow(
      'class 9 ("Ankle boot") (rank 9) would be empty: its count is 60 (n_max · ρ^(-9/9) = 6000 · 100^(-9/9), floored) minus 60 validation images, leaving 0',
    );
    expect(() => longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 10, seed: 1, numClasses: 11 })).toThrow(
      'numClasses: asks for 11 classes but the training set has 10',
    );
    expect(() => longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 10, seed: 1, classOrder: [0, 10] })).toThrow(
      'classOrder: class 10 is not in the training set',
    );
    expect(() => longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 10, seed: 1, classOrder: [1, 1] })).toThrow('lists class 1 twice');
    expect(() => longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 10, seed: 1, nMax: 6001 })).toThrow(
      'nMax: class 0 ("T-shirt/top") has 6000 training images but rank 0 needs 6001',
    );
    expect(() => longTailSplit(fashion.train, fashion.test, { imbalanceRatio: 10, seed: 1, testPerClass: 1001 })).toThrow(
      'has 1000 test images, fewer than testPerClass 1001',
    );
  });
});

describe('groupings on their own', () => {
  it('handle C not divisible by 3 and reject a bad order', () => {
    expect(rankThirdsGrouping([4, 3, 2, 1, 0]).groups.map((g) => g.classes)).toEqual([[4], [3, 2, 1], [0]]);
    expect(rankThirdsGrouping([0, 1]).groups.map((g) => g.classes)).toEqual([[], [0, 1], []]);
    expect(shotCountGrouping([101, 100, 20, 19], [0, 1, 2, 3]).groups.map((g) => g.classes)).toEqual([[0], [1, 2], [3]]);
    expect(() => shotCountGrouping([1, 2], [0, 0])).toThrow('classOrder');
  });
});
