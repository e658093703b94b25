import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { poly1SoftmaxListwiseLoss } from './poly1-softmax-listwise.js';
import { softmaxListwiseLoss } from './softmax-listwise.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradient } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';
import { LISTWISE_LABELS, reduce64, softmaxTerms64 } from './test-support/ranking64.js';
import { logSoftmax64, rows } from './test-support/reference64.js';
import { scalarOf } from './test-support/tensors.js';

const B = 5;
const L = 4;
const LABELS = LISTWISE_LABELS;
const random = makeRandom(23);
const LOGITS = rows(uniformArray(random, B * L, -3, 3), L);
const ITEM_WEIGHTS = rows(uniformArray(random, B * L, 0.5, 2), L);

describe.each(TEST_BACKENDS)('poly1SoftmaxListwiseLoss on %s', (backend) => {
  it('matches the float64 definition CE + ε(1 − p_t) for several ε and every reduction', async () => {
    await useBackend(backend);
    for (const epsilon of [1, 3, -1, 0.5]) {
      const ref = softmaxTerms64(LABELS, LOGITS, {}, epsilon);
      const opts = epsilon === 1 ? {} : { epsilon }; // 1 is the default
      const actual = tf.tidy(() => [
        scalarOf(poly1SoftmaxListwiseLoss(LABELS, LOGITS, opts)),
        scalarOf(poly1SoftmaxListwiseLoss(LABELS, LOGITS, { ...opts, reduction: 'sum' })),
        scalarOf(poly1SoftmaxListwiseLoss(LABELS, LOGITS, { ...opts, reduction: 'mean' })),
        scalarOf(poly1SoftmaxListwiseLoss(LABELS, LOGITS, { ...opts, reduction: 'sumOverWeights' })),
      ]);
      expect(maxRelativeError(actual, [
        reduce64(ref, 'sumByNonzeroWeights'),
        reduce64(ref, 'sum'),
        reduce64(ref, 'mean'),
        reduce64(ref, 'sumOverWeights'),
      ])).toBeLessThan(1e-6);
      const [losses, weights] = tf.tidy(() => {
        const perList = poly1SoftmaxListwiseLoss(LABELS, LOGITS, { ...opts, reduction: 'perList' });
        return [Array.from(perList.losses.dataSync()), Array.from(perList.weights.dataSync())];
      });
      expect(maxRelativeError(losses, ref.losses)).toBeLessThan(1e-6);
      expect(weights).toEqual([3, 0, 0, 6, 1]);
      // All-padding list: p_t = 0, so ε as in TF-Ranking, with weight 0 (no reduction sees it).
      expect(losses[2]).toBeCloseTo(epsilon, 6);
    }
  });

  it('is softmaxListwiseLoss at ε = 0 and follows item weights the same way', async () => {
    await useBackend(backend);
    const [poly, plain, weighted] = tf.tidy(() => [
      scalarOf(poly1SoftmaxListwiseLoss(LABELS, LOGITS, { epsilon: 0, weights: ITEM_WEIGHTS })),
      scalarOf(softmaxListwiseLoss(LABELS, LOGITS, { weights: ITEM_WEIGHTS })),
      scalarOf(poly1SoftmaxListwiseLoss(LABELS, LOGITS, { weights: ITEM_WEIGHTS })),
    ]);
    expect(poly).toBe(plain);
    expect(maxRelativeError([weighted ?? 0], [reduce64(softmaxTerms64(LABELS, LOGITS, { weights: ITEM_WEIGHTS }, 1), 'sumByNonzeroWeights')])).toBeLessThan(1e-6);
  });

  it("reproduces TF-Ranking's PolyOneSoftmaxLoss unit test (ε = 3, SUM_BY_NONZERO_WEIGHTS)", async () => {
    await useBackend(backend);
    const scores = [[1, 3, 2], [1, 2, 3], [1, 2, 3]];
    const labels = [[0, 0, 1], [0, 0, 2], [0, 0, 0]];
    const value = tf.tidy(() => scalarOf(poly1SoftmaxListwiseLoss(labels, scores, { epsilon: 3 })));
    const p0 = Math.exp(logSoftmax64(scores[0] ?? [])[2] ?? 0);
    const p1 = Math.exp(logSoftmax64(scores[1] ?? [])[2] ?? 0);
    // One relevant item per list: −log p₊ + ε(1 − p₊), list weights 1 and 2, two lists with non-zero weight.
    const expected = (-Math.log(p0) + 3 * (1 - p0) + 2 * (-Math.log(p1) + 3 * (1 - p1))) / 2;
    expect(maxRelativeError([value], [expected])).toBeLessThan(1e-6);
  });

  it('returns 0, never NaN, when no list has a relevant item', async () => {
    await useBackend(backend);
    const labels = [[0, 0, 0], [-1, -1, -1]];
    const results = tf.tidy(() =>
      (['sumByNonzeroWeights', 'sum', 'mean', 'sumOverWeights'] as const).map((reduction) => {
        const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => poly1SoftmaxListwiseLoss(labels, x, { reduction }) as tf.Scalar)(
          tf.tensor2d([[1, 2, 3], [4, 5, 6]]),
        );
        return [scalarOf(value), ...Array.from(grad.dataSync())];
      }),
    );
    for (const r of results) expect(r.every((v) => v === 0)).toBe(true);
  });

  it('keeps relative precision at logits of ±50 (1 − p_t without cancellation) with finite gradients', async () => {
    await useBackend(backend);
    const labels = [[1, 0], [1, 0], [0, 1]];
    const logits = [[50, 0], [50, -50], [50, -50]];
    const [losses, grad] = tf.tidy(() => [
      Array.from(poly1SoftmaxListwiseLoss(labels, logits, { reduction: 'perList' }).losses.dataSync()),
      Array.from(tf.grad((x: tf.Tensor) => poly1SoftmaxListwiseLoss(labels, x))(tf.tensor2d(logits)).dataSync()),
    ]);
    const e = Math.exp(-50);
    // CE = log1p(e^{−50}) and 1 − p = e^{−50}/(1 + e^{−50}): 3.9e-22 in total, kept to float32 precision.
    expect(maxRelativeError([losses[0] ?? 0], [Math.log1p(e) + e / (1 + e)])).toBeLessThan(1e-6);
    expect(maxRelativeError([losses[2] ?? 0], [100 + 1])).toBeLessThan(1e-6);
    expect(grad.every(Number.isFinite)).toBe(true);
  });

  it('passes a finite-difference gradient check (ε = 2, item weights, temperature)', async () => {
    await useBackend(backend);
    const { worstExcess } = checkGradient(
      (x) => poly1SoftmaxListwiseLoss(LABELS, x, { epsilon: 2, weights: ITEM_WEIGHTS, temperature: 0.8, reduction: 'sum' }),
      LOGITS.flat(),
      [B, L],
    );
    expect(worstExcess).toBeLessThanOrEqual(0);
  });

  it('leaves no tensors behind after a gradient step and an evaluation (outside tf.tidy)', async () => {
    await useBackend(backend);
    const x = tf.tensor2d(LOGITS);
    expectNoLeak(() => {
      const perList = poly1SoftmaxListwiseLoss(LABELS, x, { reduction: 'perList' });
      return [...stepAndEvaluation((v) => poly1SoftmaxListwiseLoss(LABELS, v, { weights: [1, 2, 3, 4, 5] }), x), perList.losses, perList.weights];
    });
    x.dispose();
  });
});

describe('poly1SoftmaxListwiseLoss argument checks', () => {
  it('names the loss and the argument', async () => {
    await useBackend('cpu');
    expect(() => poly1SoftmaxListwiseLoss([[1, 0]], [[0.1, 0.2]], { epsilon: -2 })).toThrow(
      "poly1SoftmaxListwiseLoss: argument 'options.epsilon' must be a finite number >= -1, got -2",
    );
    expect(() => poly1SoftmaxListwiseLoss([[1, 0]], [[0.1, 0.2]], { epsilon: Number.NaN })).toThrow(/'options.epsilon'/);
    expect(() => poly1SoftmaxListwiseLoss([[1, 0]], [[0.1]])).toThrow(/poly1SoftmaxListwiseLoss: argument 'labels' must have the shape of 'logits'/);
    expect(() => poly1SoftmaxListwiseLoss([[1, 0]], [[0.1, 0.2]], { mask: [[true, false]] })).not.toThrow();
  });
});
