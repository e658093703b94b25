import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { softmaxListwiseLoss } from './softmax-listwise.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradient } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';
import { LISTWISE_LABELS, reduce64, softmaxTerms64 } from './test-support/ranking64.js';
import { rows } from './test-support/reference64.js';
import { scalarOf } from './test-support/tensors.js';

const B = 5;
const L = 4;
const LABELS = LISTWISE_LABELS;
const random = makeRandom(5);
const LOGITS = rows(uniformArray(random, B * L, -3, 3), L);
const ITEM_WEIGHTS = rows(uniformArray(random, B * L, 0.5, 2), L);
const LIST_WEIGHTS = [2, 0.5, 1, 3, 0];

describe.each(TEST_BACKENDS)('softmaxListwiseLoss on %s', (backend) => {
  it('matches the float64 definition under every reduction (default: Σ W·CE / lists with W ≠ 0)', async () => {
    await useBackend(backend);
    const ref = softmaxTerms64(LABELS, LOGITS);
    expect(ref.weights).toEqual([3, 0, 0, 6, 1]);
    const actual = tf.tidy(() => [
      scalarOf(softmaxListwiseLoss(LABELS, LOGITS)),
      scalarOf(softmaxListwiseLoss(LABELS, LOGITS, { reduction: 'sum' })),
      scalarOf(softmaxListwiseLoss(LABELS, LOGITS, { reduction: 'mean' })),
      scalarOf(softmaxListwiseLoss(LABELS, LOGITS, { reduction: 'sumOverWeights' })),
    ]);
    const sum = reduce64(ref, 'sum');
    expect(maxRelativeError(actual, [sum / 3, sum, sum / B, sum / 10])).toBeLessThan(1e-6);
    const none = tf.tidy(() => Array.from(softmaxListwiseLoss(LABELS, LOGITS, { reduction: 'none' }).dataSync()));
    expect(maxRelativeError(none, ref.losses.map((l, b) => l * (ref.weights[b] ?? 0)))).toBeLessThan(1e-6);
  });

  it("gives TF-Ranking's per-list losses and weights (perList and unreduced agree for a listwise loss)", async () => {
    await useBackend(backend);
    const ref = softmaxTerms64(LABELS, LOGITS);
    const [perListLosses, perListWeights, unreducedLosses, unreducedWeights] = tf.tidy(() => {
      const perList = softmaxListwiseLoss(LABELS, LOGITS, { reduction: 'perList' });
      const unreduced = softmaxListwiseLoss(LABELS, LOGITS, { reduction: 'unreduced' });
      return [perList.losses, perList.weights, unreduced.losses, unreduced.weights].map((t) => Array.from(t.dataSync()));
    });
    expect(maxRelativeError(perListLosses ?? [], ref.losses)).toBeLessThan(1e-6);
    expect(perListWeights).toEqual(ref.weights);
    expect(unreducedLosses).toEqual(perListLosses);
    expect(unreducedWeights).toEqual(perListWeights);
    // The all-zero list has the uniform-target CE (weight 0); the all-padding list has loss 0.
    const row1 = LOGITS[1] ?? [];
    const lse = Math.log(row1.reduce((a, s) => a + Math.exp(s), 0));
    expect(perListLosses?.[1]).toBeCloseTo(lse - row1.reduce((a, s) => a + s, 0) / L, 5);
    expect(perListLosses?.[2]).toBe(0);
  });

  it("reproduces TF-Ranking's documented and unit-test values", async () => {
    await useBackend(backend);
    const values = tf.tidy(() => [
      scalarOf(softmaxListwiseLoss([[1, 0]], [[0.6, 0.8]], { reduction: 'mean' })),
      // The ragged example [[1, 0], [0, 1, 0]] padded to a dense [2, 3] with label −1.
      scalarOf(softmaxListwiseLoss([[1, 0, -1], [0, 1, 0]], [[0.6, 0.8, 0], [0.5, 0.8, 0.4]], { reduction: 'mean' })),
    ]);
    expect(maxRelativeError(values, [0.7981389, 0.83911896])).toBeLessThan(2e-7);
    const [padded, single, fullyPadded] = tf.tidy(() => [
      softmaxListwiseLoss([[0, -1]], [[0, 0]], { reduction: 'unreduced' }).losses,
      softmaxListwiseLoss([[0]], [[0]], { reduction: 'unreduced' }).losses,
      softmaxListwiseLoss([[-1, -1]], [[0, 0]], { reduction: 'unreduced' }).losses,
    ].map(scalarOf));
    expect(padded).toBeCloseTo(single ?? Number.NaN, 9);
    expect(fullyPadded).toBe(0);
  });

  it('multiplies the labels by item or list weights (so the list weight is Σ w·y)', async () => {
    await useBackend(backend);
    const item = softmaxTerms64(LABELS, LOGITS, { weights: ITEM_WEIGHTS });
    const list = softmaxTerms64(LABELS, LOGITS, { weights: LIST_WEIGHTS.map((w) => new Array<number>(L).fill(w)) });
    const actual = tf.tidy(() => [
      scalarOf(softmaxListwiseLoss(LABELS, LOGITS, { weights: ITEM_WEIGHTS })),
      scalarOf(softmaxListwiseLoss(LABELS, LOGITS, { weights: LIST_WEIGHTS })),
      scalarOf(softmaxListwiseLoss(LABELS, LOGITS, { weights: LIST_WEIGHTS, reduction: 'mean' })),
    ]);
    expect(maxRelativeError(actual, [
      reduce64(item, 'sumByNonzeroWeights'),
      reduce64(list, 'sumByNonzeroWeights'),
      reduce64(list, 'mean'),
    ])).toBeLessThan(1e-6);
  });

  it('an explicit mask gives the same as negative labels; padded items, empty lists get zero gradient', async () => {
    await useBackend(backend);
    const mask = LABELS.map((row) => row.map((y) => (y >= 0 ? 1 : 0)));
    const labels = LABELS.map((row) => row.map((y) => (y >= 0 ? y : 5)));
    const logits = LOGITS.map((row, b) => row.map((s, i) => (mask[b]?.[i] === 1 ? s : 45)));
    for (const reduction of ['sumByNonzeroWeights', 'sum', 'mean', 'sumOverWeights'] as const) {
      const [implicit, explicit] = tf.tidy(() => [
        scalarOf(softmaxListwiseLoss(LABELS, LOGITS, { reduction })),
        scalarOf(softmaxListwiseLoss(labels, logits, { reduction, mask })),
      ]);
      expect(explicit).toBe(implicit);
    }
    const grad = tf.tidy(() =>
      Array.from(tf.grad((x: tf.Tensor) => softmaxListwiseLoss(labels, x, { mask }))(tf.tensor2d(logits)).dataSync()),
    );
    const zeroAt = [3, 4, 5, 6, 7, 8, 9, 10, 11, 19]; // padding, the zero-weight list 1, the all-padding list 2
    expect(zeroAt.every((k) => grad[k] === 0)).toBe(true);
    expect(grad.filter((_, k) => !zeroAt.includes(k)).every((g) => g !== 0 && Number.isFinite(g))).toBe(true);
  });

  it('returns 0, never NaN, when no list has a relevant item', async () => {
    await useBackend(backend);
    const labels = [[0, 0, 0], [-1, -1, -1], [0, -1, -1]];
    const results = tf.tidy(() =>
      (['sumByNonzeroWeights', 'sum', 'mean', 'sumOverWeights', 'none'] as const).map((reduction) => {
        const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => tf.sum<tf.Scalar>(softmaxListwiseLoss(labels, x, { reduction })))(
          tf.tensor2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]]),
        );
        return [scalarOf(value), ...Array.from(grad.dataSync())];
      }),
    );
    for (const r of results) expect(r.every((v) => v === 0)).toBe(true);
  });

  it('divides the logits by the temperature (padded logits stay at log 1e-10)', async () => {
    await useBackend(backend);
    const value = tf.tidy(() => scalarOf(softmaxListwiseLoss(LABELS, LOGITS, { temperature: 0.25 })));
    expect(maxRelativeError([value], [reduce64(softmaxTerms64(LABELS, LOGITS, { temperature: 0.25 }), 'sumByNonzeroWeights')])).toBeLessThan(1e-6);
  });

  it('keeps relative precision at logits of ±50 with finite gradients', async () => {
    await useBackend(backend);
    const labels = [[1, 0, 0], [1, 0, 0], [2, 1, -1]];
    const logits = [[50, 0, -50], [-50, 0, 50], [50, -50, 50]];
    const [losses, grad] = tf.tidy(() => [
      Array.from(softmaxListwiseLoss(labels, logits, { reduction: 'perList' }).losses.dataSync()),
      Array.from(tf.grad((x: tf.Tensor) => softmaxListwiseLoss(labels, x))(tf.tensor2d(logits)).dataSync()),
    ]);
    // 1.9e-22 for the confident list is kept, not rounded to 0.
    expect(maxRelativeError(losses, softmaxTerms64(labels, logits).losses)).toBeLessThan(1e-6);
    expect(losses[0]).toBeGreaterThan(1e-22);
    expect(grad.every(Number.isFinite)).toBe(true);
    expect(grad[8]).toBe(0);
  });

  it('passes a finite-difference gradient check with item weights', async () => {
    await useBackend(backend);
    const { worstExcess } = checkGradient(
      (x) => softmaxListwiseLoss(LABELS, x, { weights: ITEM_WEIGHTS, reduction: 'sum' }),
      LOGITS.flat(),
      [B, L],
    );
    expect(worstExcess).toBeLessThanOrEqual(0);
  });

  it('leaves no tensors behind after a gradient step and an evaluation (outside tf.tidy)', async () => {
    await useBackend(backend);
    const x = tf.tensor2d(LOGITS);
    expectNoLeak(() => {
      const perList = softmaxListwiseLoss(LABELS, x, { reduction: 'perList' });
      return [...stepAndEvaluation((v) => softmaxListwiseLoss(LABELS, v, { weights: ITEM_WEIGHTS, temperature: 2 }), x), perList.losses, perList.weights];
    });
    x.dispose();
  });
});

describe('softmaxListwiseLoss argument checks', () => {
  it('names the loss and the argument', async () => {
    await useBackend('cpu');
    expect(() => softmaxListwiseLoss([[1, 0]], [[[0.1, 0.2]]])).toThrow(/softmaxListwiseLoss: argument 'logits' must have shape \[B, L\]/);
    expect(() => softmaxListwiseLoss([[1, 0]], [[0.1, Number.NaN]])).toThrow(/softmaxListwiseLoss: argument 'logits' must be finite/);
    expect(() => softmaxListwiseLoss([[1, -2]], [[0.1, 0.2]], { mask: [[1, 1]] })).toThrow(
      /softmaxListwiseLoss: argument 'labels' must be >= 0 where 'options.mask' marks an item valid/,
    );
    expect(() => softmaxListwiseLoss([[1, 0]], [[0.1, 0.2]], { weights: [[-1, 1]] })).toThrow(/softmaxListwiseLoss: argument 'options.weights' must be non-negative/);
    expect(() => softmaxListwiseLoss([[1, 0]], [[0.1, 0.2]], { reduction: 'sum', avgFactor: 3 })).toThrow(
      /softmaxListwiseLoss: argument 'options.avgFactor' only applies to reduction 'mean'/,
    );
  });
});
