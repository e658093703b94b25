import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { classPriors } from './class-counts.js';
import { logitAdjustedLoss, logitAdjustments, posthocLogitAdjustment } from './logit-adjustment.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradient } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { intArray, makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';
import { crossEntropy64, rows, sum64 } from './test-support/reference64.js';

const B = 7;
const C = 4;
const random = makeRandom(44);
const X = uniformArray(random, B * C, -5, 5);
const Y = intArray(random, B, C);
const COUNTS = [700, 200, 60, 7];
const PRIORS = COUNTS.map((n) => n / 967);
const S = [1, 0, 2, 0.5, 1, 1, 4];

/** Float64 reference: logits + log(π^τ + 1e-12), per-sample CE. */
function offsets64(priors: number[], tau: number): number[] {
  return priors.map((p) => Math.log(p ** tau + 1e-12));
}
function ce64(x: number[], priors: number[], tau: number): number[] {
  const a = offsets64(priors, tau);
  return rows(x, C).map((row, i) => crossEntropy64(row.map((v, j) => v + (a[j] ?? 0)), Y[i] ?? 0));
}

describe('classPriors and logitAdjustments', () => {
  it('computes π = n/Σn and log(π^τ + 1e-12) in float64', () => {
    expect(maxRelativeError(classPriors(COUNTS), PRIORS)).toBeLessThan(1e-15);
    expect(maxRelativeError(logitAdjustments({ classCounts: COUNTS }), offsets64(PRIORS, 1))).toBeLessThan(1e-15);
    expect(maxRelativeError(logitAdjustments({ priors: PRIORS, tau: 1.5 }), offsets64(PRIORS, 1.5))).toBeLessThan(1e-15);
    // The 1e-12 keeps a zero prior finite, as in the reference.
    expect(logitAdjustments({ priors: [1, 0] })[1]).toBeCloseTo(Math.log(1e-12), 12);
  });
});

describe.each(TEST_BACKENDS)('logitAdjustedLoss on %s', (backend) => {
  it('adds log(π^τ + 1e-12) to the logits and takes the batch mean', async () => {
    await useBackend(backend);
    const ce = ce64(X, PRIORS, 1);
    const [none, mean, fromCounts] = tf.tidy(() => [
      logitAdjustedLoss(Y, tf.tensor2d(X, [B, C]), { priors: PRIORS, reduction: 'none' }).dataSync(),
      logitAdjustedLoss(Y, tf.tensor2d(X, [B, C]), { priors: PRIORS }).dataSync(),
      logitAdjustedLoss(Y, tf.tensor2d(X, [B, C]), { classCounts: COUNTS }).dataSync(),
    ]);
    expect(maxRelativeError(none ?? [], ce)).toBeLessThan(5e-6);
    expect(maxRelativeError(mean ?? [], [sum64(ce) / B])).toBeLessThan(2e-6);
    expect(fromCounts?.[0]).toBe(mean?.[0]);
  });

  it('supports tau, sum and sample weights (mean and sumOverWeights)', async () => {
    await useBackend(backend);
    const ce = ce64(X, PRIORS, 1.5);
    const options = { priors: PRIORS, tau: 1.5 };
    const [sum, mean, overWeights] = tf.tidy(() => [
      logitAdjustedLoss(Y, tf.tensor2d(X, [B, C]), { ...options, reduction: 'sum' }).dataSync()[0] ?? Number.NaN,
      logitAdjustedLoss(Y, tf.tensor2d(X, [B, C]), { ...options, weights: S }).dataSync()[0] ?? Number.NaN,
      logitAdjustedLoss(Y, tf.tensor2d(X, [B, C]), { ...options, weights: S, reduction: 'sumOverWeights' }).dataSync()[0] ?? Number.NaN,
    ]);
    const weighted = sum64(ce.map((l, i) => l * (S[i] ?? 0)));
    expect(maxRelativeError([sum, mean, overWeights], [sum64(ce), weighted / B, weighted / sum64(S)])).toBeLessThan(2e-6);
  });

  it('equals plain cross-entropy with tau 0 (offsets log(1 + 1e-12) ≈ 0)', async () => {
    await useBackend(backend);
    const value = tf.tidy(() => logitAdjustedLoss(Y, tf.tensor2d(X, [B, C]), { priors: PRIORS, tau: 0 }).dataSync()[0]);
    const plain = sum64(rows(X, C).map((row, i) => crossEntropy64(row, Y[i] ?? 0))) / B;
    expect(maxRelativeError([value ?? Number.NaN], [plain])).toBeLessThan(2e-6);
  });

  it('stays finite at logits of ±50, values and gradients', async () => {
    await useBackend(backend);
    const x = [50, -50, 0, 0, -50, 50, 50, -50];
    const y = [1, 3];
    const [values, grad] = tf.tidy(() => [
      logitAdjustedLoss(y, tf.tensor2d(x, [2, C]), { priors: PRIORS, reduction: 'none' }).dataSync(),
      tf.grad((v: tf.Tensor) => logitAdjustedLoss(y, v, { priors: PRIORS }))(tf.tensor2d(x, [2, C])).dataSync(),
    ]);
    expect(Array.from(values ?? []).every(Number.isFinite)).toBe(true);
    expect(Array.from(grad ?? []).every(Number.isFinite)).toBe(true);
    const a = offsets64(PRIORS, 1);
    const expected = rows(x, C).map((row, i) => crossEntropy64(row.map((v, j) => v + (a[j] ?? 0)), y[i] ?? 0));
    expect(maxRelativeError(values ?? [], expected)).toBeLessThan(1e-6);
  });

  it('passes a finite-difference gradient check', async () => {
    await useBackend(backend);
    const { worstExcess } = checkGradient((v) => logitAdjustedLoss(Y, v, { priors: PRIORS, tau: 1.5, weights: S }), X, [B, C]);
    expect(worstExcess).toBeLessThanOrEqual(0);
  });

  it('leaves no tensors behind after a gradient step and an evaluation (outside tf.tidy)', async () => {
    await useBackend(backend);
    const x = tf.tensor2d(X, [B, C]);
    expectNoLeak(() => [...stepAndEvaluation((v) => logitAdjustedLoss(Y, v, { classCounts: COUNTS }), x), posthocLogitAdjustment(x, { classCounts: COUNTS })]);
    x.dispose();
  });

  it('adjusts logits post hoc by subtracting log(π^τ + 1e-12), for any leading shape', async () => {
    await useBackend(backend);
    const adjusted = tf.tidy(() => posthocLogitAdjustment(tf.tensor3d(X.slice(0, 24), [2, 3, C]), { priors: PRIORS, tau: 1.5 }).dataSync());
    const a = offsets64(PRIORS, 1.5);
    const expected = X.slice(0, 24).map((v, i) => v - (a[i % C] ?? 0));
    // Absolute: the adjusted logits cross zero, where a relative error means nothing (|x − a| ≤ 12 here).
    expect(Math.max(...expected.map((e, i) => Math.abs(e - (adjusted[i] ?? Number.NaN))))).toBeLessThan(2e-6);
    // The rare class can win after adjustment: a tie in raw logits goes to the class with the smaller prior.
    const argmax = tf.tidy(() => tf.argMax(posthocLogitAdjustment([[1, 1, 1, 1]], { priors: PRIORS }), -1).dataSync()[0]);
    expect(argmax).toBe(3);
  });
});

describe('logitAdjustedLoss argument checks', () => {
  it('names the loss and the argument', async () => {
    await useBackend('cpu');
    const x = [[0.1, 0.2, 0.3]];
    const priors = [0.7, 0.2, 0.1];
    expect(() => logitAdjustedLoss([3], x, { priors })).toThrow(
      "logitAdjustedLoss: argument 'targets' holds class id 3 at flat index 0, outside [0, 2] for 3 classes",
    );
    expect(() => logitAdjustedLoss([0, 1], x, { priors })).toThrow(/^logitAdjustedLoss: argument 'targets' must hold 1 class ids/);
    expect(() => logitAdjustedLoss([0], [0.1, 0.2, 0.3], { priors })).toThrow(/^logitAdjustedLoss: argument 'logits' must have shape \[B, C\]/);
    expect(() => logitAdjustedLoss([0], x, {})).toThrow(/^logitAdjustedLoss: argument 'options.priors' or options.classCounts must be given/);
    expect(() => logitAdjustedLoss([0], x, { priors, classCounts: [7, 2, 1] })).toThrow(/exactly one of them/);
    expect(() => logitAdjustedLoss([0], x, { priors: [0.5, 0.5] })).toThrow(/^logitAdjustedLoss: argument 'options.priors' lists 2 classes but the logits have 3/);
    expect(() => logitAdjustedLoss([0], x, { priors: [70, 20, 10] })).toThrow(/^logitAdjustedLoss: argument 'options.priors' must hold probabilities in \[0, 1\], got 70/);
    expect(() => logitAdjustedLoss([0], x, { priors: [0.5, 0.25, 0.125] })).toThrow(/^logitAdjustedLoss: argument 'options.priors' must sum to 1, got 0.875/);
    expect(() => logitAdjustedLoss([0], x, { classCounts: [7, 0, 1] })).toThrow(/^logitAdjustedLoss: argument 'options.classCounts' holds 0 for class 1/);
    expect(() => logitAdjustedLoss([0], x, { classCounts: [7, 2] })).toThrow(/^logitAdjustedLoss: argument 'options.classCounts' lists 2 classes/);
    expect(() => logitAdjustedLoss([0], x, { priors, tau: -1 })).toThrow(/^logitAdjustedLoss: argument 'options.tau' must be a finite number >= 0, got -1/);
    expect(() => posthocLogitAdjustment(5, { priors })).toThrow(/^posthocLogitAdjustment: argument 'logits' must have rank >= 1/);
    expect(() => posthocLogitAdjustment([[1, 2]], { priors })).toThrow(/^posthocLogitAdjustment: argument 'options.priors' lists 3 classes but the logits have 2/);
    expect(() => posthocLogitAdjustment([[1, Number.NaN, 2]], { priors })).toThrow(/^posthocLogitAdjustment: argument 'logits' must be finite/);
    expect(() => tf.tidy(() => logitAdjustedLoss([0], [[Number.NaN, 0, 0]], { priors, validate: false }))).not.toThrow();
    expect(() => tf.tidy(() => posthocLogitAdjustment([[Number.NaN, 0, 0]], { priors, validate: false }))).not.toThrow();
    expect(() => classPriors([3, -1])).toThrow(/^classPriors: argument 'classCounts' holds -1 for class 1/);
    expect(() => logitAdjustments({ priors, tau: Number.NaN })).toThrow(/^logitAdjustments: argument 'options.tau'/);
  });
});
