import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { LossArgumentError } from './errors.js';
import { sigmoidCrossEntropy } from './sigmoid-cross-entropy.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradient } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';

const B = 5;
const C = 4;

/** Independent float64 reference: −[pw·t·log σ(x) + (1 − t)·log(1 − σ(x))]·cw, with exact log-sigmoid. */
function reference(x: number[], t: number[], opts: { pw?: number[]; cw?: number[]; ls?: number } = {}): number[] {
  const logSigmoid = (v: number): number => -(Math.max(-v, 0) + Math.log1p(Math.exp(-Math.abs(v))));
  return x.map((xi, i) => {
    const c = i % C;
    const ti = (t[i] ?? 0) * (1 - (opts.ls ?? 0)) + (opts.ls ?? 0) / 2;
    const pos = (opts.pw?.[c] ?? 1) * ti * -logSigmoid(xi);
    const neg = (1 - ti) * -logSigmoid(-xi);
    return (pos + neg) * (opts.cw?.[c] ?? 1);
  });
}

const random = makeRandom(7);
const X = uniformArray(random, B * C, -6, 6);
const T = uniformArray(random, B * C, 0, 1).map((v) => (v > 0.6 ? 1 : v < 0.2 ? 0 : v));

describe.each(TEST_BACKENDS)('sigmoidCrossEntropy on %s', (backend) => {
  it('matches the float64 reference with class weights, posWeight and label smoothing', async () => {
    await useBackend(backend);
    const pw = [2, 0.5, 1, 3];
    const cw = [1, 0.25, 4, 0];
    const actual = tf.tidy(() =>
      sigmoidCrossEntropy(tf.tensor2d(T, [B, C]), tf.tensor2d(X, [B, C]), {
        posWeight: pw,
        classWeights: cw,
        labelSmoothing: 0.1,
        reduction: 'none',
      }).dataSync(),
    );
    expect(maxRelativeError(actual, reference(X, T, { pw, cw, ls: 0.1 }))).toBeLessThan(1e-5);
  });

  it('defaults to the mean over all elements, like PyTorch', async () => {
    await useBackend(backend);
    const value = tf.tidy(() => sigmoidCrossEntropy(tf.tensor2d(T, [B, C]), tf.tensor2d(X, [B, C])).dataSync()[0]);
    const ref = reference(X, T).reduce((a, b) => a + b, 0) / (B * C);
    expect(Math.abs((value ?? 0) - ref) / ref).toBeLessThan(1e-6);
  });

  it('accepts probabilities with fromLogits: false', async () => {
    await useBackend(backend);
    const p = X.map((v) => 1 / (1 + Math.exp(-v)));
    const actual = tf.tidy(() => sigmoidCrossEntropy(tf.tensor2d(T, [B, C]), tf.tensor2d(p, [B, C]), { fromLogits: false, reduction: 'none' }).dataSync());
    expect(maxRelativeError(actual, reference(X, T))).toBeLessThan(2e-4);
  });

  it('is exact and finite at logits of ±50 (values and gradients)', async () => {
    await useBackend(backend);
    const x = [50, -50, 50, -50];
    const t = [1, 0, 0, 1];
    const values = tf.tidy(() => sigmoidCrossEntropy(t, x, { reduction: 'none' }).dataSync());
    expect(maxRelativeError(values, reference(x, t))).toBeLessThan(1e-5);
    expect(values[0]).toBeGreaterThan(0); // 1.9e-22, not rounded to 0
    const grad = tf.tidy(() => tf.grad((v: tf.Tensor) => sigmoidCrossEntropy(t, v, { reduction: 'sum' }))(tf.tensor1d(x)).dataSync());
    expect(Array.from(grad).every(Number.isFinite)).toBe(true);
    expect(grad[2]).toBeCloseTo(1, 6); // σ(50) − 0
    expect(grad[3]).toBeCloseTo(-1, 6); // σ(−50) − 1
  });

  it('has gradient σ(x) − t at x = 0 (zero-initialised heads must learn)', async () => {
    await useBackend(backend);
    const grad = tf.tidy(() =>
      tf.grad((v: tf.Tensor) => sigmoidCrossEntropy([1, 0, 0.3], v, { reduction: 'sum' }))(tf.zeros([3])).dataSync(),
    );
    expect(Array.from(grad)).toEqual([-0.5, 0.5, expect.closeTo(0.2, 6)]);
  });

  it('passes a finite-difference gradient check', async () => {
    await useBackend(backend);
    const { worstExcess } = checkGradient(
      (v) => sigmoidCrossEntropy(tf.tensor2d(T, [B, C]), v, { posWeight: 2, weights: [1, 2, 0, 1, 3] }),
      X,
      [B, C],
    );
    expect(worstExcess).toBeLessThanOrEqual(0);
  });

  it('leaves no tensors behind after a gradient step and an evaluation (outside tf.tidy)', async () => {
    await useBackend(backend);
    const x = tf.tensor2d(X, [B, C]);
    const t = tf.tensor2d(T, [B, C]);
    expectNoLeak(() => stepAndEvaluation((v) => sigmoidCrossEntropy(t, v, { classWeights: [1, 2, 3, 4] }), x));
    tf.dispose([x, t]);
  });
});

describe('sigmoidCrossEntropy argument checks', () => {
  it('names the loss and the argument', async () => {
    await useBackend('cpu');
    const x = [[0.1, 0.2]];
    expect(() => sigmoidCrossEntropy([[1, 0, 1]], x)).toThrow(
      "sigmoidCrossEntropy: argument 'targets' must have the shape of 'predictions' [1,2], got [1,3]",
    );
    expect(() => sigmoidCrossEntropy([[1, 2]], x)).toThrow(/argument 'targets' must lie in \[0, 1\], got 2 at flat index 1/);
    expect(() => sigmoidCrossEntropy([[1, 0]], [[Number.NaN, 0]])).toThrow(/argument 'predictions' must be finite, got NaN/);
    expect(() => sigmoidCrossEntropy([[1, 0]], x, { weights: [-1] })).toThrow(/'options.weights' must be non-negative/);
    expect(() => sigmoidCrossEntropy([[1, 0]], x, { classWeights: [1, 2, 3] })).toThrow(
      /'options.classWeights' must be a vector of 2 values \(one per class\)/,
    );
    expect(() => sigmoidCrossEntropy([[1, 0]], x, { labelSmoothing: 2 })).toThrow(/'options.labelSmoothing' must be in \[0, 1\]/);
    expect(() => sigmoidCrossEntropy([[1, 0]], x, { posWeight: -1 })).toThrow(LossArgumentError);
  });
});
