import { describe, expect, it } from 'vitest';

import { indexThirds, shotGroups } from './class-groups.js';

describe('shotGroups', () => {
  it('applies > 100 many, 20–100 medium, < 20 few', () => {
    expect(shotGroups([500, 101, 100, 20, 19, 0])).toEqual({
      groups: ['many', 'medium', 'few'],
      classGroups: ['many', 'many', 'medium', 'medium', 'few', 'few'],
    });
  });

  it("reproduces the original OLTR rule (>= 100 many, <= 20 few) with { manyAbove: 99, fewBelow: 21 }", () => {
    expect(shotGroups([100, 99, 21, 20], { manyAbove: 99, fewBelow: 21 }).classGroups).toEqual(['many', 'medium', 'medium', 'few']);
  });

  it('groups the CIFAR-100-LT (ratio 100) profile as 35 / 35 / 30', () => {
    // n_i = floor(500 · 0.01^(i/99)): > 100 for i ≤ 34, < 20 for i ≥ 70.
    const counts = Array.from({ length: 100 }, (_, i) => Math.floor(500 * 0.01 ** (i / 99)));
    const g = shotGroups(counts).classGroups;
    expect(g.filter((x) => x === 'many')).toHaveLength(35);
    expect(g.filter((x) => x === 'medium')).toHaveLength(35);
    expect(g.filter((x) => x === 'few')).toHaveLength(30);
  });

  it('rejects bad counts and thresholds', () => {
    expect(() => shotGroups([10, -1])).toThrow("shotGroups: argument 'trainCounts'[1] is -1, expected a finite count >= 0");
    expect(() => shotGroups([])).toThrow("argument 'trainCounts' is empty");
    expect(() => shotGroups([1], { manyAbove: 10, fewBelow: 50 })).toThrow("argument 'options.fewBelow' must be a number in [0, 10]");
  });
});

describe('indexThirds', () => {
  it('gives head / mid / tail thirds with the remainder in the middle', () => {
    const ten = indexThirds(10).classGroups;
    expect(ten).toEqual(['head', 'head', 'head', 'mid', 'mid', 'mid', 'mid', 'tail', 'tail', 'tail']);
    const hundred = indexThirds(100).classGroups;
    expect([hundred.filter((g) => g === 'head').length, hundred.filter((g) => g === 'mid').length, hundred.filter((g) => g === 'tail').length]).toEqual([33, 34, 33]);
    // The remainder always goes to the middle: 5 -> 1 / 3 / 1, 11 -> 3 / 5 / 3.
    expect(indexThirds(5).classGroups).toEqual(['head', 'mid', 'mid', 'mid', 'tail']);
    const eleven = indexThirds(11).classGroups;
    expect([eleven.indexOf('mid'), eleven.indexOf('tail')]).toEqual([3, 8]);
    expect(indexThirds(3)).toEqual({ groups: ['head', 'mid', 'tail'], classGroups: ['head', 'mid', 'tail'] });
    expect(() => indexThirds(2)).toThrow("indexThirds: argument 'numClasses' must be an integer >= 3, got 2");
  });
});
