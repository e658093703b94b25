import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { softmaxCrossEntropy } from './softmax-cross-entropy.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradient } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { intArray, makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';

const B = 6;
const C = 5;
const random = makeRandom(11);
const X = uniformArray(random, B * C, -4, 4);
const Y = intArray(random, B, C);

function logSoftmaxRow(row: number[]): number[] {
  const max = Math.max(...row);
  const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
  return row.map((v) => v - lse);
}

/**
 * Float64 reference of PyTorch cross_entropy(weight=w, label_smoothing=ε, ignore_index): per-sample numerators
 * −Σ_j w_j t̃_ij log p_ij and denominators w_{y_i} (0 for ignored samples).
 */
function reference(x: number[], y: number[], w: number[] | undefined, eps: number, ignore?: number): { num: number[]; den: number[] } {
  const num: number[] = [];
  const den: number[] = [];
  for (let i = 0; i < y.length; i += 1) {
    const label = y[i] ?? -1;
    if (label === ignore) {
      num.push(0);
      den.push(0);
      continue;
    }
    const logP = logSoftmaxRow(x.slice(i * C, (i + 1) * C));
    let sum = 0;
    for (let j = 0; j < C; j += 1) {
      const target = (j === label ? 1 - eps : 0) + eps / C;
      sum += (w?.[j] ?? 1) * target * (logP[j] ?? 0);
    }
    num.push(-sum);
    den.push(w?.[label] ?? 1);
  }
  return { num, den };
}

const total = (v: number[]): number => v.reduce((a, b) => a + b, 0);

describe.each(TEST_BACKENDS)('softmaxCrossEntropy on %s', (backend) => {
  const w = [0.5, 2, 1, 0.1, 3];

  it('equals PyTorch weighted mean (sum of w_y·CE over sum of w_y) with class weights and label smoothing', async () => {
    await useBackend(backend);
    const { num, den } = reference(X, Y, w, 0.1);
    const actual = tf.tidy(() =>
      softmaxCrossEntropy(Y, tf.tensor2d(X, [B, C]), { classWeights: w, labelSmoothing: 0.1 }).dataSync()[0] ?? Number.NaN,
    );
    expect(maxRelativeError([actual], [total(num) / total(den)])).toBeLessThan(2e-6);
  });

  it('returns per-sample weighted losses with none and divides by B with mean', async () => {
    await useBackend(backend);
    const { num } = reference(X, Y, w, 0);
    const none = tf.tidy(() => softmaxCrossEntropy(Y, tf.tensor2d(X, [B, C]), { classWeights: w, reduction: 'none' }).dataSync());
    expect(maxRelativeError(none, num)).toBeLessThan(2e-6);
    const mean = tf.tidy(() => softmaxCrossEntropy(Y, tf.tensor2d(X, [B, C]), { classWeights: w, reduction: 'mean' }).dataSync()[0]);
    expect(maxRelativeError([mean ?? Number.NaN], [total(num) / B])).toBeLessThan(2e-6);
  });

  it('skips ignoreIndex samples in the numerator and the denominator', async () => {
    await useBackend(backend);
    const y = [...Y];
    y[1] = -100;
    y[4] = -100;
    const { num, den } = reference(X, y, w, 0, -100);
    const actual = tf.tidy(() =>
      softmaxCrossEntropy(tf.tensor1d(y, 'int32'), tf.tensor2d(X, [B, C]), { classWeights: w, ignoreIndex: -100 }).dataSync()[0],
    );
    expect(maxRelativeError([actual ?? Number.NaN], [total(num) / total(den)])).toBeLessThan(2e-6);
  });

  it('gives the same value for one-hot distributions and class ids, and combines sample weights', async () => {
    await useBackend(backend);
    const oneHot = Y.flatMap((label) => Array.from({ length: C }, (_, j) => (j === label ? 1 : 0)));
    const s = [1, 0, 2, 1, 0.5, 3];
    const fromIds = tf.tidy(() => softmaxCrossEntropy(Y, tf.tensor2d(X, [B, C]), { classWeights: w, weights: s }).dataSync()[0]);
    const fromDist = tf.tidy(() =>
      softmaxCrossEntropy(tf.tensor2d(oneHot, [B, C]), tf.tensor2d(X, [B, C]), { classWeights: w, weights: s }).dataSync()[0],
    );
    const { num, den } = reference(X, Y, w, 0);
    const expected = total(num.map((v, i) => v * (s[i] ?? 0))) / total(den.map((v, i) => v * (s[i] ?? 0)));
    expect(maxRelativeError([fromIds ?? Number.NaN, fromDist ?? Number.NaN], [expected, expected])).toBeLessThan(2e-6);
  });

  it('stays finite and keeps relative precision at logits of ±50', async () => {
    await useBackend(backend);
    const x = [50, -50, 0, -50, 50, 0];
    const y = [1, 1];
    const tail = Math.log1p(Math.exp(-50) + Math.exp(-100)); // 1.9e-22: kept, not rounded to 0
    const none = tf.tidy(() => softmaxCrossEntropy(y, tf.tensor2d(x, [2, 3]), { reduction: 'none' }).dataSync());
    expect(maxRelativeError(none, [100 + tail, tail])).toBeLessThan(1e-6);
    const grad = tf.tidy(() => tf.grad((v: tf.Tensor) => softmaxCrossEntropy(y, v))(tf.tensor2d(x, [2, 3])).dataSync());
    expect(Array.from(grad).every(Number.isFinite)).toBe(true);
    expect(grad[0]).toBeCloseTo(0.5, 6);
    expect(grad[1]).toBeCloseTo(-0.5, 6);
  });

  it('passes a finite-difference gradient check with class weights and smoothing', async () => {
    await useBackend(backend);
    const { worstExcess } = checkGradient(
      (v) => softmaxCrossEntropy(Y, v, { classWeights: w, labelSmoothing: 0.2 }),
      X,
      [B, C],
    );
    expect(worstExcess).toBeLessThanOrEqual(0);
  });

  it('leaves no tensors behind after a gradient step and an evaluation (outside tf.tidy)', async () => {
    await useBackend(backend);
    const x = tf.tensor2d(X, [B, C]);
    expectNoLeak(() => stepAndEvaluation((v) => softmaxCrossEntropy(Y, v, { classWeights: w, ignoreIndex: 0 }), x));
    x.dispose();
  });
});

describe('softmaxCrossEntropy argument checks', () => {
  it('names the loss and the argument', async () => {
    await useBackend('cpu');
    const x = [[0.1, 0.2, 0.3]];
    expect(() => softmaxCrossEntropy([3], x)).toThrow(
      "softmaxCrossEntropy: argument 'targets' holds class id 3 at flat index 0, outside [0, 2] for 3 classes",
    );
    expect(() => softmaxCrossEntropy([0.5], x)).toThrow(/'targets' must hold integer class ids, got 0.5/);
    expect(() => softmaxCrossEntropy([1, 2], x)).toThrow(/'targets' holds class ids, so it must have shape \[1\]/);
    expect(() => softmaxCrossEntropy([[1, 0]], x)).toThrow(/'targets' must have the shape of 'predictions' \[1,3\], got \[1,2\]/);
    expect(() => softmaxCrossEntropy([0], [0.1, 0.2])).toThrow(/'predictions' must have rank >= 2/);
    expect(() => softmaxCrossEntropy([0], [[Number.POSITIVE_INFINITY, 0, 0]])).toThrow(/'predictions' must be finite, got Infinity/);
    expect(() => softmaxCrossEntropy([0], x, { classWeights: [1, -2, 1] })).toThrow(/non-negative values, got -2 for class 1/);
    expect(() => softmaxCrossEntropy([[1, 0, 0]], x, { ignoreIndex: 0 })).toThrow(/only applies to integer class-id targets/);
  });
});
