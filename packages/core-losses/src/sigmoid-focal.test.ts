import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { sigmoidCrossEntropy } from './sigmoid-cross-entropy.js';
import { sigmoidFocalLoss } from './sigmoid-focal.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradient } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';

const SHAPE: [number, number] = [6, 4];
const random = makeRandom(3);
const X = uniformArray(random, 24, -5, 5);
const T = uniformArray(random, 24, 0, 1).map((v) => (v > 0.5 ? 1 : 0));

/** Float64 reference of torchvision.ops.sigmoid_focal_loss, written from its definition. */
function reference(x: number[], t: number[], alpha: number, gamma: number): number[] {
  return x.map((xi, i) => {
    const ti = t[i] ?? 0;
    const logSig = (v: number): number => -(Math.max(-v, 0) + Math.log1p(Math.exp(-Math.abs(v))));
    const ce = -(ti * logSig(xi) + (1 - ti) * logSig(-xi));
    const p = 1 / (1 + Math.exp(-xi));
    const oneMinusPt = ti * (1 - p) + (1 - ti) * p; // exact in float64 for |x| <= 30
    const aT = alpha >= 0 ? alpha * ti + (1 - alpha) * (1 - ti) : 1;
    return aT * ce * oneMinusPt ** gamma;
  });
}

describe.each(TEST_BACKENDS)('sigmoidFocalLoss on %s', (backend) => {
  it('matches the float64 definition element by element (default reduction none)', async () => {
    await useBackend(backend);
    const actual = tf.tidy(() => sigmoidFocalLoss(tf.tensor2d(T, SHAPE), tf.tensor2d(X, SHAPE)));
    expect(actual.shape).toEqual(SHAPE);
    expect(maxRelativeError(tf.tidy(() => actual.dataSync()), reference(X, T, 0.25, 2))).toBeLessThan(1e-5);
    actual.dispose();
  });

  it('reduces to BCE with gamma 0 and no alpha, and mean/sum/avgFactor behave as documented', async () => {
    await useBackend(backend);
    const [fl, bce, mean, avg] = tf.tidy(() => {
      const t = tf.tensor2d(T, SHAPE);
      const x = tf.tensor2d(X, SHAPE);
      return [
        sigmoidFocalLoss(t, x, { gamma: 0, alpha: null, reduction: 'sum' }).dataSync()[0] ?? Number.NaN,
        sigmoidCrossEntropy(t, x, { reduction: 'sum' }).dataSync()[0] ?? Number.NaN,
        sigmoidFocalLoss(t, x, { reduction: 'mean' }).dataSync()[0] ?? Number.NaN,
        sigmoidFocalLoss(t, x, { reduction: 'mean', avgFactor: 5 }).dataSync()[0] ?? Number.NaN,
      ];
    });
    expect(maxRelativeError([fl], [bce])).toBeLessThan(1e-6);
    const sum = reference(X, T, 0.25, 2).reduce((a, b) => a + b, 0);
    expect(maxRelativeError([mean, avg], [sum / 24, sum / 5])).toBeLessThan(2e-6);
  });

  it('keeps full relative precision at logits of ±50 (loss 1e-66 is not rounded to 0) with finite gradients', async () => {
    await useBackend(backend);
    const x = [50, -50, 50, -50, 30, -30];
    const t = [1, 0, 0, 1, 1, 0];
    const values = tf.tidy(() => sigmoidFocalLoss(t, x).dataSync());
    // Well-classified elements: ce·σ(−|x|)² ≈ e^{−150}: underflows float32, so exactly 0 is right there; check the
    // misclassified ones (≈ 50·1 and 0.75·50) precisely and the ±30 ones relatively.
    const ref = reference(x, t, 0.25, 2);
    expect(maxRelativeError([values[2] ?? 0, values[3] ?? 0], [ref[2] ?? 0, ref[3] ?? 0])).toBeLessThan(1e-6);
    expect(values[4]).toBeGreaterThan(0);
    expect(maxRelativeError([values[4] ?? 0, values[5] ?? 0], [ref[4] ?? 0, ref[5] ?? 0])).toBeLessThan(1e-4);
    const grad = tf.tidy(() => tf.grad((v: tf.Tensor) => sigmoidFocalLoss(t, v, { reduction: 'sum' }))(tf.tensor1d(x)).dataSync());
    expect(Array.from(grad).every(Number.isFinite)).toBe(true);
  });

  it('passes a finite-difference gradient check (gradient flows through the modulator)', async () => {
    await useBackend(backend);
    const { worstExcess } = checkGradient(
      (v) => sigmoidFocalLoss(tf.tensor2d(T, SHAPE), v, { reduction: 'sum', gamma: 2.5 }),
      X.map((v) => v / 2),
      SHAPE,
    );
    expect(worstExcess).toBeLessThanOrEqual(0);
  });

  it('leaves no tensors behind after a gradient step and an evaluation (outside tf.tidy)', async () => {
    await useBackend(backend);
    const x = tf.tensor2d(X, SHAPE);
    const t = tf.tensor2d(T, SHAPE);
    expectNoLeak(() => stepAndEvaluation((v) => sigmoidFocalLoss(t, v, { reduction: 'mean', weights: [1, 2, 3, 4, 5, 6] }), x));
    tf.dispose([x, t]);
  });
});

describe('sigmoidFocalLoss argument checks', () => {
  it('names the loss and the argument', async () => {
    await useBackend('cpu');
    expect(() => sigmoidFocalLoss([1, 0], [0.1])).toThrow("sigmoidFocalLoss: argument 'targets' must have the shape of 'logits' [1], got [2]");
    expect(() => sigmoidFocalLoss([1], [0.1], { gamma: -1 })).toThrow(/'options.gamma' must be a finite number >= 0, got -1/);
    expect(() => sigmoidFocalLoss([1], [0.1], { alpha: 1.5 })).toThrow(/'options.alpha' must be at most 1/);
    expect(() => sigmoidFocalLoss([-0.5], [0.1])).toThrow(/'targets' must lie in \[0, 1\]/);
    expect(() => sigmoidFocalLoss([1], [Number.NaN])).toThrow(/'logits' must be finite, got NaN/);
    expect(() => sigmoidFocalLoss([1], [1], { reduction: 'sum', avgFactor: 2 })).toThrow(/'options.avgFactor' only applies to reduction 'mean'/);
  });
});
