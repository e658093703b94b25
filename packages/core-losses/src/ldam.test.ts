import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { ldamLoss, ldamMargins } from './ldam.js';
import { softmaxCrossEntropy } from './softmax-cross-entropy.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradient } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { intArray, makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';
import { crossEntropy64, rows, sum64 } from './test-support/reference64.js';

const B = 9;
const C = 4;
const random = makeRandom(21);
const X = uniformArray(random, B * C, -1, 1); // cosine logits, as LDAM's NormedLinear head produces
const Y = intArray(random, B, C);
const COUNTS = [600, 90, 20, 3];
const W = [0.1, 0.6, 1.3, 2];
const S = [1, 0.5, 2, 0, 1, 3, 1, 1, 0.25];

/** Float64 LDAM: margins m_c = n_c^{-1/4}·maxM/max, per-sample CE of s·(x − m_y·onehot). */
function margins64(counts: number[], maxM: number): number[] {
  const raw = counts.map((n) => n ** -0.25);
  return raw.map((m) => (m * maxM) / Math.max(...raw));
}
function ce64(x: number[], y: number[], maxM: number, s: number): number[] {
  const m = margins64(COUNTS, maxM);
  return rows(x, C).map((row, i) => {
    const label = y[i] ?? 0;
    return crossEntropy64(row.map((v, j) => s * (j === label ? v - (m[j] ?? 0) : v)), label);
  });
}

describe('ldamMargins', () => {
  it('scales n^(-1/4) so the rarest class gets maxMargin (default 0.5)', () => {
    const m = ldamMargins(COUNTS);
    // Same float64 expression as the reference (m · maxM / max m), so the largest is 0.5 up to one rounding.
    expect(Math.max(...m)).toBeCloseTo(0.5, 15);
    expect(m[3]).toBe(Math.max(...m));
    expect(maxRelativeError(m, margins64(COUNTS, 0.5))).toBeLessThan(1e-15);
    expect(maxRelativeError(ldamMargins(COUNTS, { maxMargin: 0.3 }), margins64(COUNTS, 0.3))).toBeLessThan(1e-15);
    // m_0 / m_1 = (n_1 / n_0)^{1/4}
    expect((m[0] ?? 0) / (m[1] ?? 1)).toBeCloseTo((90 / 600) ** 0.25, 14);
  });
});

describe.each(TEST_BACKENDS)('ldamLoss on %s', (backend) => {
  it('matches the float64 definition per sample and as the PyTorch weighted mean with class weights', async () => {
    await useBackend(backend);
    const ce = ce64(X, Y, 0.5, 30);
    const wy = Y.map((label) => W[label] ?? 0);
    const [none, noneWeighted, mean] = tf.tidy(() => [
      ldamLoss(Y, tf.tensor2d(X, [B, C]), { classCounts: COUNTS, reduction: 'none' }).dataSync(),
      ldamLoss(Y, tf.tensor2d(X, [B, C]), { classCounts: COUNTS, classWeights: W, reduction: 'none' }).dataSync(),
      ldamLoss(Y, tf.tensor2d(X, [B, C]), { classCounts: COUNTS, classWeights: W }).dataSync(),
    ]);
    expect(maxRelativeError(none ?? [], ce)).toBeLessThan(2e-5);
    expect(maxRelativeError(noneWeighted ?? [], ce.map((l, i) => (wy[i] ?? 0) * l))).toBeLessThan(2e-5);
    const expected = sum64(ce.map((l, i) => (wy[i] ?? 0) * l)) / sum64(wy);
    expect(maxRelativeError(mean ?? [], [expected])).toBeLessThan(2e-6);
  });

  it('supports mean (divide by B), sum, sample weights, maxMargin and scale', async () => {
    await useBackend(backend);
    const ce = ce64(X, Y, 0.2, 12);
    const wy = Y.map((label) => W[label] ?? 0);
    const options = { classCounts: COUNTS, classWeights: W, maxMargin: 0.2, scale: 12 };
    const [mean, sum, weighted] = tf.tidy(() => [
      ldamLoss(Y, tf.tensor2d(X, [B, C]), { ...options, reduction: 'mean' }).dataSync()[0] ?? Number.NaN,
      ldamLoss(Y, tf.tensor2d(X, [B, C]), { ...options, reduction: 'sum' }).dataSync()[0] ?? Number.NaN,
      ldamLoss(Y, tf.tensor2d(X, [B, C]), { ...options, weights: S }).dataSync()[0] ?? Number.NaN,
    ]);
    const num = ce.map((l, i) => (wy[i] ?? 0) * l);
    expect(maxRelativeError([mean], [sum64(num) / B])).toBeLessThan(2e-6);
    const byFactor = tf.tidy(() => ldamLoss(Y, tf.tensor2d(X, [B, C]), { ...options, reduction: 'mean', avgFactor: 4 }).dataSync()[0]);
    expect(maxRelativeError([byFactor ?? Number.NaN], [sum64(num) / 4])).toBeLessThan(2e-6);
    expect(maxRelativeError([sum], [sum64(num)])).toBeLessThan(2e-6);
    const sw = S.map((s, i) => s * (wy[i] ?? 0));
    expect(maxRelativeError([weighted], [sum64(num.map((v, i) => v * (S[i] ?? 0))) / sum64(sw)])).toBeLessThan(2e-6);
  });

  it('reduces to scaled cross-entropy with maxMargin 0 (the CE part is softmaxCrossEntropy)', async () => {
    await useBackend(backend);
    const [ldam, ce] = tf.tidy(() => [
      ldamLoss(Y, tf.tensor2d(X, [B, C]), { classCounts: COUNTS, classWeights: W, maxMargin: 0, scale: 7 }).dataSync()[0],
      softmaxCrossEntropy(Y, tf.mul(tf.tensor2d(X, [B, C]), 7), { classWeights: W }).dataSync()[0],
    ]);
    expect(ldam).toBe(ce);
  });

  it('stays finite at logits of ±50, values and gradients', async () => {
    await useBackend(backend);
    const x = [50, -50, 0, 1, -50, 50, -1, 0, 0, 0, 50, -50];
    const y = [0, 0, 3];
    const [values, grad] = tf.tidy(() => [
      ldamLoss(y, tf.tensor2d(x, [3, C]), { classCounts: COUNTS, reduction: 'none' }).dataSync(),
      tf.grad((v: tf.Tensor) => ldamLoss(y, v, { classCounts: COUNTS, classWeights: W }))(tf.tensor2d(x, [3, C])).dataSync(),
    ]);
    expect(Array.from(values ?? []).every(Number.isFinite)).toBe(true);
    expect(Array.from(grad ?? []).every(Number.isFinite)).toBe(true);
    // Row 1: true logit −50 − m_0, best other 50: CE ≈ 30·(100 + m_0).
    expect(maxRelativeError([values?.[1] ?? Number.NaN], ce64(x, y, 0.5, 30).slice(1, 2))).toBeLessThan(1e-6);
  });

  it('passes a finite-difference gradient check', async () => {
    await useBackend(backend);
    const { worstExcess } = checkGradient(
      (v) => ldamLoss(Y, v, { classCounts: COUNTS, classWeights: W, scale: 10 }),
      X,
      [B, C],
      { h: 3e-3 },
    );
    expect(worstExcess).toBeLessThanOrEqual(0);
  });

  it('leaves no tensors behind after a gradient step and an evaluation (outside tf.tidy)', async () => {
    await useBackend(backend);
    const x = tf.tensor2d(X, [B, C]);
    expectNoLeak(() => stepAndEvaluation((v) => ldamLoss(Y, v, { classCounts: COUNTS, classWeights: W, weights: S }), x));
    x.dispose();
  });
});

describe('ldamLoss argument checks', () => {
  it('names the loss and the argument', async () => {
    await useBackend('cpu');
    const x = [[0.1, 0.2, 0.3]];
    const counts = [10, 5, 1];
    expect(() => ldamLoss([3], x, { classCounts: counts })).toThrow(
      "ldamLoss: argument 'targets' holds class id 3 at flat index 0, outside [0, 2] for 3 classes",
    );
    expect(() => ldamLoss([0, 1], x, { classCounts: counts })).toThrow(/^ldamLoss: argument 'targets' must hold 1 class ids/);
    expect(() => ldamLoss([0], [0.1, 0.2], { classCounts: counts })).toThrow(/^ldamLoss: argument 'logits' must have shape \[B, C\]/);
    expect(() => ldamLoss([0], [[Number.NaN, 0, 0]], { classCounts: counts })).toThrow(/^ldamLoss: argument 'logits' must be finite/);
    expect(() => ldamLoss([0], x, { classCounts: [10, 0, 1] })).toThrow(
      /^ldamLoss: argument 'options.classCounts' holds 0 for class 1; every class count must be a finite number > 0/,
    );
    expect(() => ldamLoss([0], x, { classCounts: [10, 5] })).toThrow(
      /^ldamLoss: argument 'options.classCounts' lists 2 classes but the logits have 3/,
    );
    expect(() => ldamLoss([0], x, {} as never)).toThrow(/^ldamLoss: argument 'options.classCounts' is required/);
    expect(() => ldamLoss([0], x, { classCounts: counts, maxMargin: -0.1 })).toThrow(
      /^ldamLoss: argument 'options.maxMargin' must be a finite number >= 0, got -0.1/,
    );
    expect(() => ldamLoss([0], x, { classCounts: counts, scale: 0 })).toThrow(/^ldamLoss: argument 'options.scale' must be a finite number > 0, got 0/);
    expect(() => ldamLoss([0], x, { classCounts: counts, classWeights: [1, 1] })).toThrow(
      /^ldamLoss: argument 'options.classWeights' must be a vector of 3 values/,
    );
    expect(() => ldamLoss([0], x, { classCounts: counts, weights: [-1] })).toThrow(/^ldamLoss: argument 'options.weights' must be non-negative/);
    expect(() => ldamLoss([0], x, { classCounts: counts, reduction: 'sum', avgFactor: 2 })).toThrow(
      /^ldamLoss: argument 'options.avgFactor' only applies to reduction 'mean'/,
    );
    // validate: false skips the value checks (not the shape checks) for trusted data.
    expect(() => tf.tidy(() => ldamLoss([0], [[Number.NaN, 0, 0]], { classCounts: counts, validate: false }))).not.toThrow();
    expect(() => ldamMargins([])).toThrow(/^ldamMargins: argument 'classCounts' must list at least one class/);
    expect(() => ldamMargins([4, -1])).toThrow(/^ldamMargins: argument 'classCounts' holds -1 for class 1/);
  });
});
