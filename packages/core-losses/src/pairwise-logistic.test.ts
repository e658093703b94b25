import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { pairwiseLogisticLoss } from './pairwise-logistic.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradient } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';
import { logistic64, pairTerms64, perListPairs64, reduce64 } from './test-support/ranking64.js';
import { rows } from './test-support/reference64.js';
import { scalarOf } from './test-support/tensors.js';

const B = 5;
const L = 4;
// Graded labels with padding (−1), a tie, a list without any valid pair (all 0) and an all-padding list.
const LABELS = [
  [2, 0, 1, -1],
  [1, 1, 0, 0],
  [0, 0, 0, 0],
  [-1, -1, -1, -1],
  [3, 1, 2, 0],
];
const random = makeRandom(11);
const LOGITS = rows(uniformArray(random, B * L, -3, 3), L);
const ITEM_WEIGHTS = rows(uniformArray(random, B * L, 0.5, 2), L);
const LIST_WEIGHTS = [2, 0.5, 1, 3, 0];

describe.each(TEST_BACKENDS)('pairwiseLogisticLoss on %s', (backend) => {
  it('matches the float64 definition under every reduction (default: sum / number of pairs)', async () => {
    await useBackend(backend);
    const ref = pairTerms64(LABELS, LOGITS, logistic64);
    const [byDefault, sum, mean, overWeights, byNonzero, none] = tf.tidy(() =>
      [
        pairwiseLogisticLoss(LABELS, LOGITS),
        pairwiseLogisticLoss(LABELS, LOGITS, { reduction: 'sum' }),
        pairwiseLogisticLoss(LABELS, LOGITS, { reduction: 'mean' }),
        pairwiseLogisticLoss(LABELS, LOGITS, { reduction: 'sumOverWeights' }),
        pairwiseLogisticLoss(LABELS, LOGITS, { reduction: 'sumByNonzeroWeights' }),
        pairwiseLogisticLoss(LABELS, LOGITS, { reduction: 'none' }),
      ].map((t) => Array.from(t.dataSync())),
    );
    const nPairs = ref.weights.filter((w) => w > 0).length;
    expect(nPairs).toBe(3 + 4 + 6); // list 0: 2>1>0 (3 pairs); list 1: 2·2; list 4: 6; the rest none
    expect(maxRelativeError(byDefault ?? [], [reduce64(ref, 'sum') / nPairs])).toBeLessThan(1e-6);
    expect(maxRelativeError([...(sum ?? []), ...(mean ?? []), ...(overWeights ?? []), ...(byNonzero ?? [])], [
      reduce64(ref, 'sum'),
      reduce64(ref, 'mean'), // Keras SUM_OVER_BATCH_SIZE over the B·L·L pair terms
      reduce64(ref, 'sumOverWeights'),
      reduce64(ref, 'sumByNonzeroWeights'),
    ])).toBeLessThan(1e-6);
    expect(none).toHaveLength(B * L * L);
    expect(maxRelativeError(none ?? [], ref.losses.map((l, k) => l * (ref.weights[k] ?? 0)))).toBeLessThan(1e-6);
  });

  it("gives TF-Ranking's compute_per_list and compute_unreduced_loss ({ losses, weights })", async () => {
    await useBackend(backend);
    const ref = pairTerms64(LABELS, LOGITS, logistic64);
    const [perListLosses, perListWeights, pairLosses, pairWeights, shapes] = tf.tidy(() => {
      const perList = pairwiseLogisticLoss(LABELS, LOGITS, { reduction: 'perList' });
      const unreduced = pairwiseLogisticLoss(LABELS, LOGITS, { reduction: 'unreduced' });
      return [
        Array.from(perList.losses.dataSync()),
        Array.from(perList.weights.dataSync()),
        Array.from(unreduced.losses.dataSync()),
        Array.from(unreduced.weights.dataSync()),
        [perList.losses.shape, perList.weights.shape, unreduced.losses.shape, unreduced.weights.shape],
      ];
    });
    expect(shapes).toEqual([[B], [B], [B, L, L], [B, L, L]]);
    const expected = perListPairs64(ref, B);
    expect(perListWeights).toEqual([3, 4, 0, 0, 6]);
    expect(maxRelativeError(perListLosses, expected.losses)).toBeLessThan(1e-6);
    expect(perListLosses.slice(2, 4)).toEqual([0, 0]); // no pair: 0, not NaN
    expect(maxRelativeError(pairLosses, ref.losses)).toBeLessThan(1e-6); // all L·L pairs, diagonal = log 2
    expect(pairWeights).toEqual(ref.weights);
  });

  it("reproduces TF-Ranking's documented values (Keras: newer versions divide by B·L)", async () => {
    await useBackend(backend);
    const values = tf.tidy(() => [
      scalarOf(pairwiseLogisticLoss([[1, 0]], [[0.6, 0.8]])),
      scalarOf(pairwiseLogisticLoss([[1, 0]], [[0.6, 0.8]], { reduction: 'mean', avgFactor: 2 })),
      // The ragged example [[1, 0], [0, 1, 0]] padded to a dense [2, 3] with label −1.
      scalarOf(pairwiseLogisticLoss([[1, 0, -1], [0, 1, 0]], [[0.6, 0.8, 0], [0.5, 0.8, 0.4]], { reduction: 'mean', avgFactor: 6 })),
    ]);
    expect(maxRelativeError(values, [Math.log1p(Math.exp(0.2)), 0.39906943, 0.3109182])).toBeLessThan(2e-7);
  });

  it('takes per-item and per-list weights: pair (i, j) is weighted by item i', async () => {
    await useBackend(backend);
    const item = pairTerms64(LABELS, LOGITS, logistic64, { weights: ITEM_WEIGHTS });
    const list = pairTerms64(LABELS, LOGITS, logistic64, { weights: LIST_WEIGHTS.map((w) => new Array<number>(L).fill(w)) });
    const actual = tf.tidy(() => [
      scalarOf(pairwiseLogisticLoss(LABELS, LOGITS, { weights: ITEM_WEIGHTS })),
      scalarOf(pairwiseLogisticLoss(LABELS, LOGITS, { weights: ITEM_WEIGHTS, reduction: 'sumOverWeights' })),
      scalarOf(pairwiseLogisticLoss(LABELS, LOGITS, { weights: LIST_WEIGHTS })),
      scalarOf(pairwiseLogisticLoss(LABELS, LOGITS, { weights: LIST_WEIGHTS.map((w) => [w]) })),
      scalarOf(pairwiseLogisticLoss(LABELS, LOGITS, { weights: 2, reduction: 'sum' })),
    ]);
    const unweighted = pairTerms64(LABELS, LOGITS, logistic64);
    expect(maxRelativeError(actual, [
      reduce64(item, 'sumByNonzeroWeights'),
      reduce64(item, 'sumOverWeights'),
      reduce64(list, 'sumByNonzeroWeights'), // list 4 has weight 0: its 6 pairs leave the count
      reduce64(list, 'sumByNonzeroWeights'),
      2 * reduce64(unweighted, 'sum'),
    ])).toBeLessThan(1e-6);
  });

  it('an explicit mask gives the same as negative labels, and padded items never contribute', async () => {
    await useBackend(backend);
    const mask = LABELS.map((row) => row.map((y) => (y >= 0 ? 1 : 0)));
    // Padding labelled 7 (would outrank everything) and logits moved: masked out, nothing changes.
    const labels = LABELS.map((row) => row.map((y) => (y >= 0 ? y : 7)));
    const logits = LOGITS.map((row, b) => row.map((s, i) => (mask[b]?.[i] === 1 ? s : 40)));
    for (const reduction of ['sumByNonzeroWeights', 'sum', 'mean', 'sumOverWeights'] as const) {
      const [implicit, explicit, boolMask] = tf.tidy(() => [
        scalarOf(pairwiseLogisticLoss(LABELS, LOGITS, { reduction })),
        scalarOf(pairwiseLogisticLoss(labels, logits, { reduction, mask })),
        scalarOf(pairwiseLogisticLoss(labels, logits, { reduction, mask: tf.greater(tf.tensor2d(mask), 0) })),
      ]);
      expect(explicit).toBeCloseTo(implicit ?? Number.NaN, 6);
      expect(boolMask).toBe(explicit);
    }
    const grad = tf.tidy(() =>
      Array.from(tf.grad((x: tf.Tensor) => pairwiseLogisticLoss(labels, x, { mask }))(tf.tensor2d(logits)).dataSync()),
    );
    // Padded items, the pair-less list 2 and the all-padding list 3 get exactly zero gradient.
    const zeroAt = [3, 8, 9, 10, 11, 12, 13, 14, 15];
    expect(zeroAt.every((k) => grad[k] === 0)).toBe(true);
    expect(grad.filter((_, k) => !zeroAt.includes(k)).every((g) => g !== 0 && Number.isFinite(g))).toBe(true);
  });

  it('returns 0, never NaN, when no list has a valid pair', async () => {
    await useBackend(backend);
    const labels = [[0, 0, 0], [-1, -1, -1], [1, -1, -1]];
    const logits = [[1, 2, 3], [4, 5, 6], [7, 8, 9]];
    const results = tf.tidy(() => {
      const out = (['sumByNonzeroWeights', 'sum', 'mean', 'sumOverWeights'] as const).map((reduction) => {
        const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => pairwiseLogisticLoss(labels, x, { reduction }) as tf.Scalar)(tf.tensor2d(logits));
        return [scalarOf(value), ...Array.from(grad.dataSync())];
      });
      const perList = pairwiseLogisticLoss(labels, logits, { reduction: 'perList' });
      return [...out, Array.from(perList.losses.dataSync()), Array.from(perList.weights.dataSync())];
    });
    for (const r of results) expect(r.every((v) => v === 0)).toBe(true);
  });

  it('divides the logits by the temperature', async () => {
    await useBackend(backend);
    const [hot, scaled] = tf.tidy(() => [
      scalarOf(pairwiseLogisticLoss(LABELS, LOGITS, { temperature: 0.5 })),
      scalarOf(pairwiseLogisticLoss(LABELS, LOGITS.map((row) => row.map((s) => s / 0.5)))),
    ]);
    expect(hot).toBe(scaled);
    expect(maxRelativeError([hot ?? 0], [reduce64(pairTerms64(LABELS, LOGITS, logistic64, { temperature: 0.5 }), 'sumByNonzeroWeights')])).toBeLessThan(1e-6);
  });

  it('keeps relative precision at logits of ±50 with finite gradients', async () => {
    await useBackend(backend);
    const labels = [[2, 1, 0], [0, 1, 2]];
    const logits = [[50, 0, -50], [50, 0, -50]]; // list 0 well ordered (pair losses 2e-22), list 1 reversed (50, 100)
    const [pairLosses, grad] = tf.tidy(() => [
      Array.from(pairwiseLogisticLoss(labels, logits, { reduction: 'unreduced' }).losses.dataSync()),
      Array.from(tf.grad((x: tf.Tensor) => pairwiseLogisticLoss(labels, x))(tf.tensor2d(logits)).dataSync()),
    ]);
    const ref = pairTerms64(labels, logits, logistic64).losses;
    // Pairs at d = ±50 and −100 to float32 precision; d = +100 (3.7e-44) is below float32's normal range.
    const checked = ref.map((_, k) => k).filter((k) => k !== 2 && k !== 11);
    expect(maxRelativeError(checked.map((k) => pairLosses[k] ?? 0), checked.map((k) => ref[k] ?? 0))).toBeLessThan(1e-6);
    expect(pairLosses[1]).toBeGreaterThan(1e-23);
    expect(grad.every(Number.isFinite)).toBe(true);
    // Reversed list: every pair is saturated, dℓ/dd = −1 → d/ds = ∓(pairs of the item) / 6 pairs in the batch.
    expect(maxRelativeError(grad.slice(3), [2 / 6, 0, -2 / 6])).toBeLessThan(1e-6);
  });

  it('passes a finite-difference gradient check with item weights', async () => {
    await useBackend(backend);
    const { worstExcess } = checkGradient(
      (x) => pairwiseLogisticLoss(LABELS, x, { weights: ITEM_WEIGHTS, reduction: 'sum' }),
      LOGITS.flat(),
      [B, L],
    );
    expect(worstExcess).toBeLessThanOrEqual(0);
  });

  it('leaves no tensors behind after a gradient step, an evaluation and with the { losses, weights } outputs (outside tf.tidy)', async () => {
    await useBackend(backend);
    const x = tf.tensor2d(LOGITS);
    const mask = LABELS.map((r) => r.map((y) => (y >= 0 ? 1 : 0)));
    expectNoLeak(() => {
      const perList = pairwiseLogisticLoss(LABELS, x, { reduction: 'perList' });
      return [...stepAndEvaluation((v) => pairwiseLogisticLoss(LABELS, v, { weights: LIST_WEIGHTS, mask }), x), perList.losses, perList.weights];
    });
    x.dispose();
  });
});

describe('pairwiseLogisticLoss argument checks', () => {
  it('names the loss and the argument', async () => {
    await useBackend('cpu');
    const y = [[1, 0]];
    const s = [[0.1, 0.2]];
    expect(() => pairwiseLogisticLoss([1, 0], [0.1, 0.2])).toThrow(
      "pairwiseLogisticLoss: argument 'logits' must have shape [B, L] (one list per row), got [2]",
    );
    expect(() => pairwiseLogisticLoss([[1, 0, 2]], s)).toThrow(/pairwiseLogisticLoss: argument 'labels' must have the shape of 'logits' \[1,2\], got \[1,3\]/);
    expect(() => pairwiseLogisticLoss(y, [[Number.NaN, 0]])).toThrow(/'logits' must be finite, got NaN/);
    expect(() => pairwiseLogisticLoss([[Number.POSITIVE_INFINITY, 0]], s)).toThrow(/'labels' must be finite/);
    expect(() => pairwiseLogisticLoss(y, s, { mask: [[1, 0.5]] })).toThrow(/'options.mask' must hold 0\/1 \(or booleans\), got 0.5/);
    expect(() => pairwiseLogisticLoss(y, s, { mask: [[1, 1, 1]] })).toThrow(/'options.mask' must have the shape of 'logits'/);
    expect(() => pairwiseLogisticLoss([[1, -1]], s, { mask: [[1, 1]] })).toThrow(
      /pairwiseLogisticLoss: argument 'labels' must be >= 0 where 'options.mask' marks an item valid, got -1 at flat index 1/,
    );
    expect(() => pairwiseLogisticLoss(y, s, { weights: [[1, -2]] })).toThrow(/'options.weights' must be non-negative, got -2/);
    expect(() => pairwiseLogisticLoss(y, s, { weights: [1, 2] })).toThrow(/'options.weights' .* does not broadcast/);
    expect(() => pairwiseLogisticLoss(y, s, { temperature: 0 })).toThrow(/'options.temperature' must be a finite number > 0, got 0/);
    expect(() => pairwiseLogisticLoss(y, s, { reduction: 'batchmean' as 'sum' })).toThrow(
      /'options.reduction' must be one of 'none', 'sum', 'mean', 'sumOverWeights', 'sumByNonzeroWeights', 'perList', 'unreduced'/,
    );
    expect(() => pairwiseLogisticLoss(y, s, { avgFactor: 2 })).toThrow(/'options.avgFactor' only applies to reduction 'mean', not 'sumByNonzeroWeights'/);
  });
});
