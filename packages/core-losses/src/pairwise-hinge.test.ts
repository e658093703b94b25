import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { pairwiseHingeLoss } from './pairwise-hinge.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradient } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { maxRelativeError } from './test-support/random-inputs.js';
import { hinge64, pairTerms64, perListPairs64, reduce64 } from './test-support/ranking64.js';
import { scalarOf } from './test-support/tensors.js';

const B = 4;
const L = 4;
const LABELS = [
  [2, 0, 1, -1],
  [1, 1, 0, 0],
  [0, 0, 0, 0],
  [3, 1, 2, 0],
];
// Hand-picked so that no counted pair difference lies within 0.05 of the hinge at d = 1 (finite differences).
const LOGITS = [
  [1.3, -0.4, 0.9, 2.0],
  [0.2, 1.5, -0.7, 0.6],
  [0.5, -1.1, 0.8, 0.1],
  [-0.3, 0.75, 2.1, -1.6],
];
const ITEM_WEIGHTS = [
  [1, 2, 0.5, 1],
  [0.25, 1, 1, 3],
  [1, 1, 1, 1],
  [2, 0, 1, 1.5],
];

describe.each(TEST_BACKENDS)('pairwiseHingeLoss on %s', (backend) => {
  it('matches the float64 definition under every reduction, with and without item weights', async () => {
    await useBackend(backend);
    for (const weights of [undefined, ITEM_WEIGHTS]) {
      const ref = pairTerms64(LABELS, LOGITS, hinge64, weights === undefined ? {} : { weights });
      const opts = weights === undefined ? {} : { weights };
      const actual = tf.tidy(() => [
        scalarOf(pairwiseHingeLoss(LABELS, LOGITS, opts)),
        scalarOf(pairwiseHingeLoss(LABELS, LOGITS, { ...opts, reduction: 'sum' })),
        scalarOf(pairwiseHingeLoss(LABELS, LOGITS, { ...opts, reduction: 'mean' })),
        scalarOf(pairwiseHingeLoss(LABELS, LOGITS, { ...opts, reduction: 'sumOverWeights' })),
      ]);
      expect(maxRelativeError(actual, [
        reduce64(ref, 'sumByNonzeroWeights'),
        reduce64(ref, 'sum'),
        reduce64(ref, 'mean'),
        reduce64(ref, 'sumOverWeights'),
      ])).toBeLessThan(1e-6);
      const [perListLosses, perListWeights, pairLosses] = tf.tidy(() => {
        const perList = pairwiseHingeLoss(LABELS, LOGITS, { ...opts, reduction: 'perList' });
        const unreduced = pairwiseHingeLoss(LABELS, LOGITS, { ...opts, reduction: 'unreduced' });
        return [perList.losses, perList.weights, unreduced.losses].map((t) => Array.from(t.dataSync()));
      });
      const expected = perListPairs64(ref, B);
      expect(maxRelativeError(perListLosses ?? [], expected.losses)).toBeLessThan(1e-6);
      expect(maxRelativeError(perListWeights ?? [], expected.weights)).toBeLessThan(1e-6);
      expect(maxRelativeError(pairLosses ?? [], ref.losses)).toBeLessThan(1e-6);
    }
  });

  it("reproduces TF-Ranking's documented values (Keras divides by B·L there)", async () => {
    await useBackend(backend);
    const values = tf.tidy(() => [
      scalarOf(pairwiseHingeLoss([[1, 0]], [[0.6, 0.8]])),
      scalarOf(pairwiseHingeLoss([[1, 0]], [[0.6, 0.8]], { reduction: 'mean', avgFactor: 2 })),
      scalarOf(pairwiseHingeLoss([[1, 0, -1], [0, 1, 0]], [[0.6, 0.8, 0], [0.5, 0.8, 0.4]], { reduction: 'mean', avgFactor: 6 })),
    ]);
    expect(maxRelativeError(values, [1.2, 0.6, 0.41666666])).toBeLessThan(2e-7);
  });

  it('has gradient −1 inside the margin and 0 at or beyond it; masked items and pair-less lists get 0', async () => {
    await useBackend(backend);
    // d = 0.5 (inside), 1 (at the hinge), 3 (beyond); the padded item and the pair-less list stay at 0.
    const labels = [[1, 0, -1], [1, 0, 0], [1, 0, 0], [0, 0, 0]];
    const logits = [[0.5, 0, 9], [1, 0, 0], [3, 0, 0], [1, 2, 3]];
    const grad = tf.tidy(() =>
      Array.from(tf.grad((x: tf.Tensor) => pairwiseHingeLoss(labels, x, { reduction: 'sum' }))(tf.tensor2d(logits)).dataSync()),
    );
    expect(grad.slice(0, 2)).toEqual([-1, 1]);
    expect(grad.slice(2).every((g) => g === 0)).toBe(true);
  });

  it('returns 0, never NaN, for lists without pairs, and stays finite at logits of ±50', async () => {
    await useBackend(backend);
    const empty = tf.tidy(() => [
      scalarOf(pairwiseHingeLoss([[0, 0], [-1, -1]], [[1, 2], [3, 4]])),
      scalarOf(pairwiseHingeLoss([[0, 0], [-1, -1]], [[1, 2], [3, 4]], { reduction: 'sumOverWeights' })),
    ]);
    expect(empty).toEqual([0, 0]);
    const [value, grad] = tf.tidy(() => {
      const { value: v, grad: g } = tf.valueAndGrad((x: tf.Tensor) => pairwiseHingeLoss([[2, 1, 0]], x) as tf.Scalar)(tf.tensor2d([[-50, 0, 50]]));
      return [scalarOf(v), Array.from(g.dataSync())];
    });
    expect(value).toBeCloseTo((51 + 101 + 51) / 3, 4);
    expect(grad).toEqual([-2 / 3, 0, 2 / 3].map((v) => expect.closeTo(v, 6) as unknown as number));
  });

  it('passes a finite-difference gradient check with item weights and temperature', async () => {
    await useBackend(backend);
    const { worstExcess } = checkGradient(
      (x) => pairwiseHingeLoss(LABELS, x, { weights: ITEM_WEIGHTS, temperature: 1.5, reduction: 'sum' }),
      LOGITS.flat(),
      [B, L],
    );
    expect(worstExcess).toBeLessThanOrEqual(0);
  });

  it('leaves no tensors behind after a gradient step and an evaluation (outside tf.tidy)', async () => {
    await useBackend(backend);
    const x = tf.tensor2d(LOGITS);
    expectNoLeak(() => {
      const perList = pairwiseHingeLoss(LABELS, x, { reduction: 'perList' });
      return [...stepAndEvaluation((v) => pairwiseHingeLoss(LABELS, v, { weights: [1, 2, 3, 4] }), x), perList.losses, perList.weights];
    });
    x.dispose();
  });
});

describe('pairwiseHingeLoss argument checks', () => {
  it('names the loss and the argument', async () => {
    await useBackend('cpu');
    expect(() => pairwiseHingeLoss([[1, 0]], [[0.1, 0.2, 0.3]])).toThrow(/pairwiseHingeLoss: argument 'labels' must have the shape of 'logits' \[1,3\], got \[1,2\]/);
    expect(() => pairwiseHingeLoss([[1, 0]], [[0.1, Number.NaN]])).toThrow(/pairwiseHingeLoss: argument 'logits' must be finite/);
    expect(() => pairwiseHingeLoss([[1, 0]], [[0.1, 0.2]], { temperature: -1 })).toThrow(/pairwiseHingeLoss: argument 'options.temperature'/);
    expect(() => pairwiseHingeLoss([[1, 0]], [[0.1, 0.2]], { mask: [[2, 0]] })).toThrow(/pairwiseHingeLoss: argument 'options.mask' must hold 0\/1/);
  });
});
