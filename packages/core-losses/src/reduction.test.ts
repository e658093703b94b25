import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { LossArgumentError } from './errors.js';
import { computeWeightedLoss, prepareWeights, resolveReduction, type Reduction } from './reduction.js';
import { useBackend } from './test-support/backend.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';

const LOSSES = [
  [0.5, 1.5, 2.0],
  [3.0, 0.25, 1.0],
];

function reference(reduction: Reduction, weights: number[][] | undefined, avgFactor?: number): number | number[][] {
  const w = weights ?? LOSSES.map((row) => row.map(() => 1));
  const weighted = LOSSES.map((row, i) => row.map((l, j) => l * (w[i]?.[j] ?? Number.NaN)));
  const sum = weighted.flat().reduce((a, b) => a + b, 0);
  switch (reduction) {
    case 'none':
      return weighted;
    case 'sum':
      return sum;
    case 'mean':
      return sum / (avgFactor ?? 6);
    case 'sumOverWeights':
      return sum / w.flat().reduce((a, b) => a + b, 0);
  }
}

function reduce(reduction: Reduction, weights?: tf.TensorLike, avgFactor?: number): number | number[][] {
  return tf.tidy(() => {
    const losses = tf.tensor2d(LOSSES);
    const w = prepareWeights(weights, losses.shape, 'test', true);
    const out = computeWeightedLoss(losses, w, reduction, avgFactor);
    return reduction === 'none' ? (out.arraySync() as number[][]) : (out.dataSync()[0] ?? Number.NaN);
  });
}

describe('computeWeightedLoss', () => {
  beforeAll(() => useBackend('cpu'));

  const perSample = [2, 0.5];
  const cases: Array<[string, tf.TensorLike | undefined, number[][] | undefined]> = [
    ['no weights', undefined, undefined],
    ['scalar weight', 3, LOSSES.map((row) => row.map(() => 3))],
    ['per-sample weights [B] (leading-axis aligned)', perSample, LOSSES.map((row, i) => row.map(() => perSample[i] ?? 0))],
    ['per-element weights [B, C]', [[1, 0, 2], [0.5, 4, 0]], [[1, 0, 2], [0.5, 4, 0]]],
    ['per-class row [1, C]', [[1, 2, 3]], LOSSES.map(() => [1, 2, 3])],
  ];
  for (const reduction of ['none', 'sum', 'mean', 'sumOverWeights'] as const) {
    for (const [name, weights, expanded] of cases) {
      it(`${reduction} with ${name}`, () => {
        const actual = reduce(reduction, weights);
        const expected = reference(reduction, expanded);
        if (typeof expected === 'number') expect(actual).toBeCloseTo(expected, 5);
        else expect(actual).toEqual(expected.map((row) => row.map((v) => expect.closeTo(v, 5) as unknown as number)));
      });
    }
  }

  it('divides by avgFactor instead of the element count for mean', () => {
    expect(reduce('mean', undefined, 4)).toBeCloseTo(reference('mean', undefined, 4) as number, 6);
  });

  it('returns 0, not NaN, when every weight is zero', () => {
    expect(reduce('sumOverWeights', 0)).toBe(0);
    expect(reduce('mean', [[0, 0, 0], [0, 0, 0]])).toBe(0);
  });

  it('rejects an unknown reduction, naming the option and the allowed values', () => {
    expect(() => resolveReduction({ reduction: 'batchmean' as Reduction }, 'mean', 'myLoss')).toThrow(
      /myLoss: argument 'options.reduction' must be one of 'none', 'sum', 'mean', 'sumOverWeights'/,
    );
  });

  it('rejects avgFactor outside mean and non-positive avgFactor', () => {
    expect(() => resolveReduction({ reduction: 'sum', avgFactor: 3 }, 'mean', 'myLoss')).toThrow(LossArgumentError);
    expect(() => resolveReduction({ avgFactor: 0 }, 'mean', 'myLoss')).toThrow(/avgFactor' must be a positive number/);
  });

  it('rejects negative, non-finite and non-broadcastable weights', () => {
    expect(() => reduce('sum', [1, -1])).toThrow(/'options.weights' must be non-negative, got -1 at flat index 1/);
    expect(() => reduce('sum', [1, Number.NaN])).toThrow(/'options.weights' must be finite, got NaN/);
    expect(() => reduce('sum', [1, 2, 3])).toThrow(/does not broadcast to the per-element loss shape \[2,3\] at axis 0/);
    expect(() => reduce('sum', [[[1]]])).toThrow(/has rank 3/);
  });

  it('leaves no tensors behind in a loss built on it (counted outside tf.tidy)', () => {
    // The building blocks leave their intermediates to the caller's scope: every loss calls them inside its tf.op.
    const weightedLoss = tf.op({ weightedLoss_: (x: tf.Tensor) => computeWeightedLoss(tf.square(x), prepareWeights(perSample, x.shape, 'test', true), 'sumOverWeights') });
    const x = tf.tensor2d(LOSSES);
    expectNoLeak(() => stepAndEvaluation(weightedLoss, x));
    x.dispose();
  });
});
