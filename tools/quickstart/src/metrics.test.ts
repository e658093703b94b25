import { describe, expect, it } from 'vitest';

import { balancedAccuracy, binaryAuc, binaryConfusion, binaryLogLoss, recall } from './metrics.js';

/** Independent reference: AUC by counting every (positive, negative) pair, ties as one half. */
function pairwiseAuc(targets: number[], scores: number[]): number {
  let wins = 0;
  let pairs = 0;
  targets.forEach((t, i) => {
    if (t !== 1) return;
    targets.forEach((u, j) => {
      if (u !== 0) return;
      pairs += 1;
      const si = scores[i] ?? 0;
      const sj = scores[j] ?? 0;
      wins += si > sj ? 1 : si === sj ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe('binary metrics', () => {
  it('AUC equals the pairwise count, with ties', () => {
    let state = 11;
    const rand = (): number => {
      state = (state * 48271) % 2147483647;
      return state / 2147483647;
    };
    const targets = Array.from({ length: 300 }, () => (rand() < 0.2 ? 1 : 0));
    const scores = targets.map((t) => Math.round((rand() + 0.3 * t) * 20) / 20); // coarse: many ties
    expect(binaryAuc(targets, scores)).toBeCloseTo(pairwiseAuc(targets, scores), 12);
    expect(binaryAuc([0, 1], [0.2, 0.9])).toBe(1);
    expect(binaryAuc([1, 1], [0.2, 0.9])).toBeNaN();
  });

  it('log loss, confusion, recall and balanced accuracy match hand-computed values', () => {
    expect(binaryLogLoss([1, 0], [0.8, 0.4])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 12);
    const c = binaryConfusion([1, 1, 1, 0, 0, 0, 0], [0.9, 0.6, 0.2, 0.7, 0.1, 0.3, 0.5]);
    expect(c).toEqual({ tp: 2, fn: 1, fp: 2, tn: 2 });
    expect(recall(c)).toBeCloseTo(2 / 3, 12);
    expect(balancedAccuracy(c)).toBeCloseTo((2 / 3 + 2 / 4) / 2, 12);
  });

  it('names the bad input', () => {
    expect(() => binaryAuc([0, 2], [0.1, 0.2])).toThrow('binaryAuc: targets[1] is 2, expected 0 or 1');
    expect(() => binaryLogLoss([0], [0.1, 0.2])).toThrow(/targets has 1 values but the predictions have 2/);
    expect(() => binaryConfusion([0], [Number.NaN])).toThrow(/prediction 0 is NaN/);
  });
});
