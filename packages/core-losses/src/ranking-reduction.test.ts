import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { reduceRankingLosses, resolveRankingReduction, type RankingLossTerms } from './ranking-reduction.js';
import { useBackend } from './test-support/backend.js';

// Two lists of 2×2 pair terms; list 1 has no counted pair.
const LOSSES = [[[1, 2], [3, 4]], [[5, 6], [7, 8]]];
const WEIGHTS = [[[0, 0.5], [2, 0]], [[0, 0], [0, 0]]];

function run(reduction: Parameters<typeof reduceRankingLosses>[1], avgFactor?: number): number[] | { losses: number[]; weights: number[] } {
  return tf.tidy(() => {
    const out = reduceRankingLosses({ losses: tf.tensor3d(LOSSES), weights: tf.tensor3d(WEIGHTS) }, reduction, avgFactor);
    if (out instanceof tf.Tensor) return Array.from(out.dataSync());
    const terms: RankingLossTerms = out;
    return { losses: Array.from(terms.losses.dataSync()), weights: Array.from(terms.weights.dataSync()) };
  });
}

describe('reduceRankingLosses', () => {
  beforeAll(() => useBackend('cpu'));

  it('implements sumByNonzeroWeights as Σ w·l / #{w ≠ 0} and the shared reductions on w·l', () => {
    const sum = 0.5 * 2 + 2 * 3;
    expect(run('sumByNonzeroWeights')).toEqual([sum / 2]);
    expect(run('sum')).toEqual([sum]);
    expect(run('mean')).toEqual([sum / 8]);
    expect(run('mean', 4)).toEqual([sum / 4]);
    expect(run('sumOverWeights')).toEqual([expect.closeTo(sum / 2.5, 6)]);
    expect(run('none')).toEqual([0, 1, 6, 0, 0, 0, 0, 0]);
  });

  it('gives per-list weighted means and weight totals (0 for a list without weight), and the raw terms', () => {
    expect(run('perList')).toEqual({ losses: [expect.closeTo(7 / 2.5, 6), 0], weights: [2.5, 0] });
    expect(run('unreduced')).toEqual({ losses: LOSSES.flat(2), weights: WEIGHTS.flat(2) });
    const listwise = tf.tidy(() => {
      const out = reduceRankingLosses({ losses: tf.tensor1d([3, 4]), weights: tf.tensor1d([0, 2]) }, 'perList') as RankingLossTerms;
      return [Array.from(out.losses.dataSync()), Array.from(out.weights.dataSync())];
    });
    expect(listwise).toEqual([[3, 4], [0, 2]]); // listwise losses are already per list
  });

  it('returns 0, not NaN, when every weight is zero', () => {
    const zero = tf.tidy(() =>
      (['sumByNonzeroWeights', 'sumOverWeights', 'sum', 'mean'] as const).map((r) =>
        (reduceRankingLosses({ losses: tf.ones([2, 2, 2]), weights: tf.zeros([2, 2, 2]) }, r) as tf.Tensor).dataSync()[0],
      ),
    );
    expect(zero).toEqual([0, 0, 0, 0]);
  });
});

describe('resolveRankingReduction', () => {
  it('accepts the shared and the ranking reductions, and checks avgFactor', () => {
    expect(resolveRankingReduction({}, 'sumByNonzeroWeights', 'myLoss')).toBe('sumByNonzeroWeights');
    expect(resolveRankingReduction({ reduction: 'mean', avgFactor: 6 }, 'sumByNonzeroWeights', 'myLoss')).toBe('mean');
    expect(resolveRankingReduction({ reduction: 'perList' }, 'sum', 'myLoss')).toBe('perList');
    expect(() => resolveRankingReduction({ reduction: 'batch' as 'sum' }, 'sum', 'myLoss')).toThrow(
      "myLoss: argument 'options.reduction' must be one of 'none', 'sum', 'mean', 'sumOverWeights', 'sumByNonzeroWeights', 'perList', 'unreduced', got 'batch'",
    );
    expect(() => resolveRankingReduction({ reduction: 'unreduced', avgFactor: 2 }, 'sum', 'myLoss')).toThrow(/'options.avgFactor' only applies to reduction 'mean'/);
    expect(() => resolveRankingReduction({ reduction: 'sum', avgFactor: 2 }, 'sum', 'myLoss')).toThrow(/'options.avgFactor' only applies/);
    expect(() => resolveRankingReduction({ reduction: 'mean', avgFactor: -1 }, 'sum', 'myLoss')).toThrow(/must be a positive number/);
  });
});
