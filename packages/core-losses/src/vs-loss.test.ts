import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { logitAdjustedLoss } from './logit-adjustment.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradient } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { intArray, makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';
import { crossEntropy64, rows, sum64 } from './test-support/reference64.js';
import { vsAdjustments, vsLoss } from './vs-loss.js';

const B = 8;
const C = 5;
const random = makeRandom(33);
const X = uniformArray(random, B * C, -4, 4);
const Y = intArray(random, B, C);
const COUNTS = [400, 120, 40, 11, 4];
const W = [0.2, 0.5, 1, 1.5, 1.8];
const S = [1, 2, 0, 0.5, 1, 1, 3, 0.1];

/** Float64 VS: Δ_c = (n_max/n_c)^γ, ι_c = τ·log(n_c/Σn), per-sample CE of x/Δ + ι. */
function adjustments64(gamma: number, tau: number): { delta: number[]; iota: number[] } {
  const nMax = Math.max(...COUNTS);
  const total = sum64(COUNTS);
  return { delta: COUNTS.map((n) => (nMax / n) ** gamma), iota: COUNTS.map((n) => tau * Math.log(n / total)) };
}
function ce64(x: number[], gamma: number, tau: number): number[] {
  const { delta, iota } = adjustments64(gamma, tau);
  return rows(x, C).map((row, i) => crossEntropy64(row.map((v, j) => v / (delta[j] ?? 1) + (iota[j] ?? 0)), Y[i] ?? 0));
}

describe('vsAdjustments', () => {
  it('gives Δ = (n_max/n)^γ ≥ 1 and ι = τ·log π with the repository defaults γ = 0.3, τ = 1', () => {
    const { delta, iota, gamma, tau } = vsAdjustments(COUNTS);
    expect([gamma, tau]).toEqual([0.3, 1]);
    const expected = adjustments64(0.3, 1);
    expect(maxRelativeError(delta, expected.delta)).toBeLessThan(1e-14);
    expect(maxRelativeError(iota, expected.iota)).toBeLessThan(1e-14);
    expect(delta[0]).toBe(1);
    const other = vsAdjustments(COUNTS, { gamma: 0.2, tau: 1.2 });
    expect(maxRelativeError(other.delta, adjustments64(0.2, 1.2).delta)).toBeLessThan(1e-14);
    expect(maxRelativeError(other.iota, adjustments64(0.2, 1.2).iota)).toBeLessThan(1e-14);
  });
});

describe.each(TEST_BACKENDS)('vsLoss on %s', (backend) => {
  it('divides the logits by Δ, adds ι and takes the PyTorch weighted mean', async () => {
    await useBackend(backend);
    const ce = ce64(X, 0.3, 1);
    const wy = Y.map((label) => W[label] ?? 0);
    const [none, noneWeighted, mean] = tf.tidy(() => [
      vsLoss(Y, tf.tensor2d(X, [B, C]), { classCounts: COUNTS, reduction: 'none' }).dataSync(),
      vsLoss(Y, tf.tensor2d(X, [B, C]), { classCounts: COUNTS, classWeights: W, reduction: 'none' }).dataSync(),
      vsLoss(Y, tf.tensor2d(X, [B, C]), { classCounts: COUNTS, classWeights: W }).dataSync(),
    ]);
    expect(maxRelativeError(none ?? [], ce)).toBeLessThan(5e-6);
    expect(maxRelativeError(noneWeighted ?? [], ce.map((l, i) => l * (wy[i] ?? 0)))).toBeLessThan(5e-6);
    expect(maxRelativeError(mean ?? [], [sum64(ce.map((l, i) => l * (wy[i] ?? 0))) / sum64(wy)])).toBeLessThan(2e-6);
  });

  it('supports gamma, tau, mean, sum and sample weights', async () => {
    await useBackend(backend);
    const ce = ce64(X, 0.2, 1.2);
    const options = { classCounts: COUNTS, gamma: 0.2, tau: 1.2 };
    const [mean, sum, weighted] = tf.tidy(() => [
      vsLoss(Y, tf.tensor2d(X, [B, C]), { ...options, reduction: 'mean' }).dataSync()[0] ?? Number.NaN,
      vsLoss(Y, tf.tensor2d(X, [B, C]), { ...options, reduction: 'sum' }).dataSync()[0] ?? Number.NaN,
      vsLoss(Y, tf.tensor2d(X, [B, C]), { ...options, weights: S }).dataSync()[0] ?? Number.NaN,
    ]);
    expect(maxRelativeError([mean, sum], [sum64(ce) / B, sum64(ce)])).toBeLessThan(2e-6);
    expect(maxRelativeError([weighted], [sum64(ce.map((l, i) => l * (S[i] ?? 0))) / sum64(S)])).toBeLessThan(2e-6);
  });

  it('reduces to the logit-adjusted loss with gamma 0 (up to the reference LA code\'s 1e-12)', async () => {
    await useBackend(backend);
    const [vs, la] = tf.tidy(() => [
      vsLoss(Y, tf.tensor2d(X, [B, C]), { classCounts: COUNTS, gamma: 0, tau: 1.5, reduction: 'none' }).dataSync(),
      logitAdjustedLoss(Y, tf.tensor2d(X, [B, C]), { classCounts: COUNTS, tau: 1.5, reduction: 'none' }).dataSync(),
    ]);
    expect(maxRelativeError(vs ?? [], Array.from(la ?? []))).toBeLessThan(1e-6);
  });

  it('stays finite at logits of ±50, values and gradients', async () => {
    await useBackend(backend);
    const x = [50, -50, 0, 0, 0, -50, 50, 50, -50, 0];
    const y = [1, 4];
    const [values, grad] = tf.tidy(() => [
      vsLoss(y, tf.tensor2d(x, [2, C]), { classCounts: COUNTS, reduction: 'none' }).dataSync(),
      tf.grad((v: tf.Tensor) => vsLoss(y, v, { classCounts: COUNTS, classWeights: W }))(tf.tensor2d(x, [2, C])).dataSync(),
    ]);
    expect(Array.from(values ?? []).every(Number.isFinite)).toBe(true);
    expect(Array.from(grad ?? []).every(Number.isFinite)).toBe(true);
    const { delta, iota } = adjustments64(0.3, 1);
    const expected = rows(x, C).map((row, i) => crossEntropy64(row.map((v, j) => v / (delta[j] ?? 1) + (iota[j] ?? 0)), y[i] ?? 0));
    expect(maxRelativeError(values ?? [], expected)).toBeLessThan(1e-5);
  });

  it('passes a finite-difference gradient check', async () => {
    await useBackend(backend);
    const { worstExcess } = checkGradient((v) => vsLoss(Y, v, { classCounts: COUNTS, classWeights: W, weights: S }), X, [B, C]);
    expect(worstExcess).toBeLessThanOrEqual(0);
  });

  it('leaves no tensors behind after a gradient step and an evaluation (outside tf.tidy)', async () => {
    await useBackend(backend);
    const x = tf.tensor2d(X, [B, C]);
    expectNoLeak(() => stepAndEvaluation((v) => vsLoss(Y, v, { classCounts: COUNTS, classWeights: W }), x));
    x.dispose();
  });
});

describe('vsLoss argument checks', () => {
  it('names the loss and the argument', async () => {
    await useBackend('cpu');
    const x = [[0.1, 0.2, 0.3]];
    const counts = [10, 5, 1];
    expect(() => vsLoss([5], x, { classCounts: counts })).toThrow("vsLoss: argument 'targets' holds class id 5 at flat index 0, outside [0, 2] for 3 classes");
    expect(() => vsLoss([0, 0], x, { classCounts: counts })).toThrow(/^vsLoss: argument 'targets' must hold 1 class ids/);
    expect(() => vsLoss([0], [[[0.1, 0.2, 0.3]]], { classCounts: counts })).toThrow(/^vsLoss: argument 'logits' must have shape \[B, C\]/);
    expect(() => vsLoss([0], x, { classCounts: [10, 0, 2] })).toThrow(/^vsLoss: argument 'options.classCounts' holds 0 for class 1/);
    expect(() => vsLoss([0], x, { classCounts: [10, 5, 1, 1] })).toThrow(/^vsLoss: argument 'options.classCounts' lists 4 classes but the logits have 3/);
    expect(() => vsLoss([0], x, { classCounts: counts, gamma: -0.3 })).toThrow(/^vsLoss: argument 'options.gamma' must be a finite number >= 0, got -0.3/);
    expect(() => vsLoss([0], x, { classCounts: counts, tau: -1 })).toThrow(/^vsLoss: argument 'options.tau' must be a finite number >= 0, got -1/);
    expect(() => vsLoss([0], x, { classCounts: counts, classWeights: [1, -1, 1] })).toThrow(/^vsLoss: argument 'options.classWeights' must hold finite, non-negative values/);
    expect(() => vsLoss([0], x, { classCounts: counts, weights: [1, 1] })).toThrow(/^vsLoss: argument 'options.weights' of shape \[2\]/);
    expect(() => tf.tidy(() => vsLoss([0], [[Number.NaN, 0, 0]], { classCounts: counts, validate: false }))).not.toThrow();
    expect(() => vsAdjustments([1, Number.POSITIVE_INFINITY])).toThrow(/^vsAdjustments: argument 'classCounts' holds Infinity for class 1/);
    expect(() => vsAdjustments([1, 2], { gamma: -1 })).toThrow(/^vsAdjustments: argument 'options.gamma' must be a finite number >= 0/);
  });
});
