import { describe, expect, it } from 'vitest';

import { assembleAuctions, fixedSizeGroups, groupsByKey } from './grouping.js';
import { splitAuctions, splitIndices, standardizeSplits } from './splits.js';

describe('grouping and splits', () => {
  it('groups rows by key (first appearance, chunked) and in fixed sizes', () => {
    expect(groupsByKey(['a', 'b', 'a', 'a', 'b'], 2).map((g) => [...g])).toEqual([[0, 2], [3], [1, 4]]);
    expect(fixedSizeGroups([5, 6, 7], 2).map((g) => [...g])).toEqual([[5, 6], [7]]);
  });

  it('splits indices by a seeded permutation with the requested sizes, deterministically', () => {
    const a = splitIndices(100, { train: 0.7, validation: 0.2, test: 0.1 }, 3);
    expect([a.train.length, a.validation.length, a.test.length]).toEqual([70, 20, 10]);
    expect(new Set([...a.train, ...a.validation, ...a.test]).size).toBe(100);
    expect([...a.train]).toEqual([...a.train].sort((x, y) => x - y));
    expect(splitIndices(100, { train: 0.7, validation: 0.2, test: 0.1 }, 3)).toEqual(a);
    expect(splitIndices(100, { train: 0.7, validation: 0.2, test: 0.1 }, 4).train).not.toEqual(a.train);
    expect(() => splitIndices(10, { train: 0.7, validation: 0.2, test: 0.2 }, 0)).toThrow(/sum to 1/);
  });

  it('standardises every split with statistics of the training auctions only, padding stays 0', () => {
    const rows = 30;
    const numeric = Float32Array.from({ length: rows }, (_, i) => i);
    const set = assembleAuctions(
      { spec: { numericNames: ['x'], categoricalFields: [], buckets: [] }, rows, numeric, categorical: new Int32Array(0), label: new Float32Array(rows), bid: new Float32Array(rows).fill(2) },
      fixedSizeGroups(Int32Array.from({ length: rows }, (_, i) => i), 4),
      'test',
    );
    expect(set.auctions).toBe(8);
    const splits = standardizeSplits(splitAuctions(set, { seed: 1, fractions: { train: 0.5, validation: 0.25, test: 0.25 } }));
    const trainValues = [...splits.train.numeric].filter((_, i) => splits.train.mask[i] === 1);
    const mean = trainValues.reduce((s, v) => s + v, 0) / trainValues.length;
    expect(mean).toBeCloseTo(0, 5);
    expect(splits.train.spec.standardization?.mean[0]).toBe(splits.standardizer?.mean[0]);
    for (const part of [splits.train, splits.validation, splits.test]) {
      part.mask.forEach((m, i) => {
        if (m === 0) expect(part.numeric[i]).toBe(0);
      });
    }
    expect(splits.train.auctions + splits.validation.auctions + splits.test.auctions).toBe(8);
    expect(splits.test.description).toBe('test [test]');
  });
});
