import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { cumulativeLogitLoss } from './cumulative-logit.js';
import { LossArgumentError } from './errors.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradient } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { intArray, makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';

const N = 9;
const K = 4;
const M = K - 1;
const FLOOR = 1e-8;

/**
 * Independent float64 reference by brute force: σ of every cumulative logit, the class probability as a plain
 * difference of neighbouring cumulative probabilities (0 below the first, 1 above the last), floored at 1e-8 for
 * the middle classes, −log. Accurate here because the test logits are moderate; the ±50 test uses log-space
 * identities instead.
 */
function reference(eta: readonly number[], labels: readonly number[], m: number, floor = FLOOR): number[] {
  return labels.map((label, i) => {
    const cumulative = (k: number): number => (k < 0 ? 0 : k >= m ? 1 : 1 / (1 + Math.exp(-(eta[i * m + k] ?? 0))));
    const prob = cumulative(label) - cumulative(label - 1);
    const middle = label > 0 && label < m;
    return -Math.log(middle ? Math.max(prob, floor) : prob);
  });
}

/** Increasing cumulative logits per row (a proper ordinal model), plus one crossed row. */
function makeInputs(): { eta: number[]; labels: number[] } {
  const random = makeRandom(11);
  const eta: number[] = [];
  for (let i = 0; i < N; i += 1) {
    let v = -3 + 2 * random();
    for (let k = 0; k < M; k += 1) {
      eta.push(v);
      v += 0.3 + 2.5 * random();
    }
  }
  const labels = intArray(random, N, K);
  labels[0] = 0;
  labels[1] = K - 1;
  labels[2] = 1;
  labels[3] = 2;
  return { eta, labels };
}

const { eta: ETA, labels: LABELS } = makeInputs();

describe.each(TEST_BACKENDS)('cumulativeLogitLoss on %s', (backend) => {
  it('matches the float64 brute-force reference per example and as the default mean', async () => {
    await useBackend(backend);
    const expected = reference(ETA, LABELS, M);
    const [none, mean] = tf.tidy(() => [
      cumulativeLogitLoss(LABELS, tf.tensor2d(ETA, [N, M]), { reduction: 'none' }).dataSync(),
      cumulativeLogitLoss(LABELS, tf.tensor2d(ETA, [N, M])).dataSync(),
    ]);
    expect(maxRelativeError(none ?? [], expected)).toBeLessThan(2e-5);
    expect(maxRelativeError(mean ?? [], [expected.reduce((a, b) => a + b, 0) / N])).toBeLessThan(2e-5);
  });

  it('applies sample weights through the shared reduction', async () => {
    await useBackend(backend);
    const w = uniformArray(makeRandom(3), N, 0, 2);
    const expected = reference(ETA, LABELS, M);
    const weightedSum = expected.reduce((s, v, i) => s + v * (w[i] ?? 0), 0);
    const totalWeight = w.reduce((a, b) => a + b, 0);
    const [sum, overWeights] = tf.tidy(() => [
      cumulativeLogitLoss(LABELS, tf.tensor2d(ETA, [N, M]), { weights: w, reduction: 'sum' }).dataSync()[0] ?? Number.NaN,
      cumulativeLogitLoss(LABELS, tf.tensor2d(ETA, [N, M]), { weights: w, reduction: 'sumOverWeights' }).dataSync()[0] ?? Number.NaN,
    ]);
    expect(Math.abs(sum - weightedSum) / weightedSum).toBeLessThan(2e-5);
    expect(Math.abs(overWeights - weightedSum / totalWeight) / (weightedSum / totalWeight)).toBeLessThan(2e-5);
  });

  it('reduces to binary cross-entropy for K = 2', async () => {
    await useBackend(backend);
    const eta = [-2, 0.5, 3];
    const labels = [0, 1, 1];
    const values = tf.tidy(() => cumulativeLogitLoss(labels, tf.tensor2d(eta, [3, 1]), { reduction: 'none' }).dataSync());
    // P(y = 0) = σ(η): label 0 costs softplus(−η), label 1 costs softplus(η).
    const expected = eta.map((v, i) => (labels[i] === 0 ? Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v))));
    expect(maxRelativeError(values, expected)).toBeLessThan(1e-6);
  });

  it('is exact and finite at cumulative logits of ±50 (values and gradients)', async () => {
    await useBackend(backend);
    // Rows: [η_1, η_2, η_3] and the label. Log-space float64 references: −log P for
    //   class 0: softplus(−η_1); class 3: softplus(η_3); middle: softplus(−a) + softplus(b) − log(1 − e^{−(a−b)}).
    const rows = [
      [-50, 0, 50],
      [50, 50.5, 51],
      [-50, -49, 50],
      [-50, 0, 50],
      [-50, -50, -50],
      [50, 50, 50],
      [-50, 50, 50],
    ];
    const labels = [1, 1, 2, 3, 0, 3, 1];
    const softplus = (v: number): number => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
    const expected = rows.map((row, i) => {
      const label = labels[i] ?? 0;
      if (label === 0) return softplus(-(row[0] ?? 0));
      if (label === M) return softplus(row[M - 1] ?? 0);
      const a = row[label] ?? 0;
      const b = row[label - 1] ?? 0;
      return Math.min(softplus(-a) + softplus(b) - Math.log(-Math.expm1(-(a - b))), -Math.log(FLOOR));
    });
    const flat = rows.flat();
    const values = tf.tidy(() => cumulativeLogitLoss(labels, tf.tensor2d(flat, [rows.length, M]), { reduction: 'none' }).dataSync());
    expect(Array.from(values).every(Number.isFinite)).toBe(true);
    expect(maxRelativeError(values, expected)).toBeLessThan(1e-5);
    expect(values[6]).toBeGreaterThan(0); // P ≈ 1 − 3.9e-22: a tiny positive loss, not 0 or negative
    expect(values[1]).toBeCloseTo(-Math.log(FLOOR), 4); // P = σ(50.5) − σ(50) ≈ 7.6e-23 sits on the floor
    const grad = tf.tidy(() =>
      tf.grad((v: tf.Tensor) => cumulativeLogitLoss(labels, v, { reduction: 'sum' }))(tf.tensor2d(flat, [rows.length, M])).dataSync(),
    );
    expect(Array.from(grad).every(Number.isFinite)).toBe(true);
    // Row 4, class 0 at η_1 = −50: d/dη_1 softplus(−η_1) = −σ(50) = −1. Row 3, class 3 at η_3 = 50: σ(50) = 1.
    expect(grad[4 * M]).toBeCloseTo(-1, 5);
    expect(grad[3 * M + 2]).toBeCloseTo(1, 5);
    // Row 2, class 2 between b = −49 and a = 50: dl/da = −σ(−a) − 1/(e^{a−b} − 1) ≈ 0, dl/db = σ(b) + 1/(e^{a−b} − 1) ≈ 5e-22.
    expect(Math.abs(grad[2 * M + 2] ?? 1)).toBeLessThan(1e-6);
    expect(Math.abs(grad[2 * M + 1] ?? 1)).toBeLessThan(1e-6);
    // Row 1 is floored: zero gradient.
    expect(Array.from(grad.slice(M, 2 * M))).toEqual([0, 0, 0]);
  });

  it('floors crossed boundaries instead of failing, with a zero gradient there', async () => {
    await useBackend(backend);
    // Row 0 crossed at class 1 (η_2 < η_1); row 1 nearly tied: P(y = 1) = σ(3e-8) − σ(0) ≈ 7.5e-9, below 1e-8.
    const eta = [1, 0.5, 2, 0, Math.fround(3e-8), 2];
    const labels = [1, 1];
    const values = tf.tidy(() => cumulativeLogitLoss(labels, tf.tensor2d(eta, [2, 3]), { reduction: 'none' }).dataSync());
    expect(values[0]).toBeCloseTo(-Math.log(FLOOR), 4);
    expect(values[1]).toBeCloseTo(-Math.log(FLOOR), 4);
    const looser = tf.tidy(() =>
      cumulativeLogitLoss(labels, tf.tensor2d(eta, [2, 3]), { reduction: 'none', probabilityFloor: 1e-20 }).dataSync(),
    );
    expect(looser[0]).toBeCloseTo(-Math.log(1e-20), 3);
    expect(maxRelativeError([looser[1] ?? 0], reference(eta.slice(3), [1], 3, 1e-20))).toBeLessThan(1e-5);
    const grad = tf.tidy(() =>
      tf.grad((v: tf.Tensor) => cumulativeLogitLoss(labels, v, { reduction: 'sum' }))(tf.tensor2d(eta, [2, 3])).dataSync(),
    );
    expect(Array.from(grad)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('passes a finite-difference gradient check', async () => {
    await useBackend(backend);
    const w = [1, 2, 0.5, 1, 3, 0, 1, 1, 2];
    const { worstExcess } = checkGradient(
      (v) => cumulativeLogitLoss(LABELS, v, { weights: w }),
      ETA,
      [N, M],
      { h: 1e-2, atol: 1e-3, rtol: 1e-2 },
    );
    expect(worstExcess).toBeLessThanOrEqual(0);
  });

  it('leaves no tensors behind after a gradient step and an evaluation (outside tf.tidy)', async () => {
    await useBackend(backend);
    const eta = tf.tensor2d(ETA, [N, M]);
    const labels = tf.tensor1d(LABELS, 'int32');
    const weights = tf.ones([N]);
    expectNoLeak(() => [...stepAndEvaluation((v) => cumulativeLogitLoss(labels, v, { weights }), eta), cumulativeLogitLoss(labels, eta)]);
    tf.dispose([eta, labels, weights]);
  });
});

describe('cumulativeLogitLoss argument checks', () => {
  it('names the loss and the argument', async () => {
    await useBackend('cpu');
    const eta = [[0, 1, 2]];
    expect(() => cumulativeLogitLoss([4], eta)).toThrow(
      "cumulativeLogitLoss: argument 'targets' holds class id 4 at flat index 0, outside [0, 3] for 4 classes",
    );
    expect(() => cumulativeLogitLoss([0.5], eta)).toThrow(/argument 'targets' must hold integer class ids, got 0.5/);
    expect(() => cumulativeLogitLoss([1, 2], eta)).toThrow(/argument 'targets' must hold 1 class ids \(shape \[1\]\), got shape \[2\]/);
    expect(() => cumulativeLogitLoss([1], [0, 1, 2])).toThrow(/argument 'cumulativeLogits' must have shape \[N, K − 1\]/);
    expect(() => cumulativeLogitLoss([1], [[0, Number.NaN, 2]])).toThrow(/argument 'cumulativeLogits' must be finite, got NaN/);
    expect(() => cumulativeLogitLoss([1], eta, { probabilityFloor: 0 })).toThrow(/'options.probabilityFloor' must be in \[1e-30, 1\)/);
    expect(() => cumulativeLogitLoss([1], eta, { weights: [-1] })).toThrow(/'options.weights' must be non-negative/);
    expect(() => cumulativeLogitLoss([1], eta, { reduction: 'avg' as 'mean' })).toThrow(LossArgumentError);
  });
});
